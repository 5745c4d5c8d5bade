// The mock as a library, for application developers' own tests:
//
//   import { setupServer } from 'msw/node';
//   import { createScalekitMock } from 'scalekit-conformance/mock';
//   const scalekit = createScalekitMock();
//   const server = setupServer(...scalekit.handlers);
//
// This facade's types mention nothing generated from the spec, so the published declarations stand alone.
import type { RequestHandler } from 'msw';
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

export interface ScalekitMockOptions {
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
  /** msw request handlers for every operation, the OAuth/OIDC surface and the control hooks. */
  handlers: RequestHandler[];
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
  return {
    handlers: mock.handlers,
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
