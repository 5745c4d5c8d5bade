// The mock inside the worker, answering through msw's interception: the in-process mode of `npm test`'s suites
// project. Imported only when a file's target is that mock, so a run against a URL (the CLI's embedded mock
// included) never loads msw, the mock or its data in its worker.
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { systemClock } from '../clock.js';
import type { Profile } from '../config/profile.js';
import { isFaultId } from '../mock/faults.js';
import { createMock, noRoute } from '../mock/index.js';

/** Starts the mock on `url` for this worker's fetches; the returned function stops it. */
export function interceptWithMock(
  url: string,
  options: {
    credentials: { clientId: string; clientSecret: string };
    faults: readonly string[];
    seed: number;
    profile: Profile;
  },
): () => void {
  const mock = createMock({
    clock: systemClock,
    credentials: options.credentials,
    faults: options.faults.filter(isFaultId),
    seed: options.seed,
    profile: options.profile,
  });
  // A path of the mock no handler serves gets the socket's 404, so both ways of serving answer alike; a request
  // to any other host is an error, never a silent pass (and never a real network call).
  const fallback = http.all(new RegExp(`^${url.replace(/\./g, '\\.')}/`), ({ request }) => {
    const { pathname, search } = new URL(request.url);
    return noRoute(request.method, `${pathname}${search}`);
  });
  const server = setupServer(...mock.handlers, fallback);
  server.listen({ onUnhandledRequest: 'error' });
  return () => server.close();
}
