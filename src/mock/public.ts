// The mock as a library, for application developers' own tests:
//
//   import { http } from 'msw';
//   import { setupServer } from 'msw/node';
//   import { createScalekitMock } from 'scalekit-conformance/mock';
//   const scalekit = createScalekitMock({ baseUrl: 'https://acme.scalekit.test', http });
//   const server = setupServer(...scalekit.handlers);
//
// msw is a peer dependency: the app's own msw (2.2.3 or newer) runs the mock. Handlers made by one copy of msw
// are ignored by another copy's setupServer (msw 2.8 and later tell handlers apart by their class), so an app
// whose msw might not be the one this package resolves (a nested copy) passes its `http` and the one handler
// the app's server sees is made by the app's msw.
//
// This facade's types mention nothing generated from the spec, so the published declarations stand alone.
import { getResponse, http as ownHttp, type RequestHandler } from 'msw';
import { systemClock } from '../clock.js';
import { redirectRegistry } from './control-state.js';
import { type FaultId, faults, isFaultId } from './faults.js';
import { serveMock } from './http-server.js';
import { createMock } from './index.js';

// Written out rather than imported, so the declarations of this file need nothing else from the project.
export type RedirectType = 'callback' | 'initiate_login' | 'post_logout' | 'back_channel_logout';
export type EnvironmentKind = 'development' | 'production';
export interface Clock {
  now(): number;
}

/** The origin the handlers answer when no `baseUrl` is given. */
export const defaultBaseUrl = 'https://mock.scalekit.test';

/** What the facade needs of msw's `http` namespace: the app passes its own (`import { http } from 'msw'`). */
export interface MswHttp {
  all(path: RegExp, resolver: (info: { request: Request }) => Promise<Response | undefined>): RequestHandler;
}

export interface ScalekitMockOptions {
  /**
   * The only origin the handlers answer (default `defaultBaseUrl`); requests to any other origin are left to the
   * app's own handlers and its `onUnhandledRequest`. `'*'` answers every origin (what the mock did before it took a `baseUrl`).
   */
  baseUrl?: string;
  /** The app's msw `http`, to build the handlers with (default: the msw this package resolves). */
  http?: MswHttp;
  /** The client the token endpoint accepts (defaults: skc_mock / mock-client-secret). */
  clientId?: string;
  clientSecret?: string;
  /** Seeds every identifier the mock makes up. */
  seed?: number;
  /** The time source; the mock's own clock runs on it and `advanceClock` moves it ahead. */
  clock?: Clock;
  environment?: EnvironmentKind;
  /** Seeded faults to switch on (see `faultIds`). */
  faults?: string[];
}

export interface ScalekitMock {
  /**
   * One msw handler answering `baseUrl`'s origin: every operation, the OAuth/OIDC surface and the control hooks.
   */
  handlers: RequestHandler[];
  /** The origin the handlers answer (`'*'`: every origin). */
  baseUrl: string;
  credentials: { clientId: string; clientSecret: string };
  /** Registers redirect URIs directly (the `redirects` hook does the same over HTTP, with validation). */
  registerRedirectUris(type: RedirectType, uris: string[]): void;
  /** Moves the mock's clock forward and sends the webhook deliveries that fall due. */
  advanceClock(ms: number): Promise<void>;
  /** Drops all data created through the API and the hooks. */
  reset(): void;
  /** Serves the same handlers on 127.0.0.1 (port 0: any free port). */
  serve(port?: number): Promise<{ url: string; close(): Promise<void> }>;
}

export const faultIds: readonly string[] = faults.map((f) => f.id);

export function createScalekitMock(options: ScalekitMockOptions = {}): ScalekitMock {
  const credentials = {
    clientId: options.clientId ?? 'skc_mock',
    clientSecret: options.clientSecret ?? 'mock-client-secret',
  };
  const unknown = (options.faults ?? []).filter((id) => !isFaultId(id));
  if (unknown.length > 0) throw new Error(`scalekit-conformance/mock: unknown fault(s) ${unknown.join(', ')}`);
  const mock = createMock({
    clock: options.clock ?? systemClock,
    credentials,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.environment ? { environment: options.environment } : {}),
    faults: (options.faults ?? []) as FaultId[],
  });
  const baseUrl = options.baseUrl === '*' ? '*' : new URL(options.baseUrl ?? defaultBaseUrl).origin;
  // msw matches a RegExp against origin + path, in every 2.x. The internal handlers answer any host, so the
  // origin is checked once here; they run through this package's msw (`getResponse`) whichever msw made the
  // outer handler. Nothing returned: msw moves on to the app's next handler.
  const origin = baseUrl === '*' ? /^[a-z][a-z0-9+.-]*:\/\/[^/]+\// : new RegExp(`^${escapeRegExp(baseUrl)}/`);
  const scoped = (options.http ?? (ownHttp as unknown as MswHttp)).all(origin, ({ request }) =>
    getResponse(mock.handlers, request),
  );
  return {
    handlers: [scoped],
    baseUrl,
    credentials,
    registerRedirectUris(type, uris) {
      redirectRegistry(mock.state)[type] = [...uris];
    },
    async advanceClock(ms) {
      mock.state.clock.advance(ms);
      await mock.webhooks.runDue();
    },
    reset() {
      mock.state.reset();
    },
    serve: (port) => serveMock(mock, port),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
