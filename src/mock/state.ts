import { en, Faker } from '@faker-js/faker';
import type { components } from '../../generated/openapi.js';
import type { Clock } from '../clock.js';
import type { FaultId } from './faults.js';

export type AuthLogEntry = components['schemas']['auditlogsAuthLogRequest'];

export interface MockOptions {
  clock: Clock;
  /** The one client the token endpoint accepts. */
  credentials: { clientId: string; clientSecret: string };
  faults?: readonly FaultId[];
  /** Seeds every identifier the mock makes up, so two runs with one seed give the same answers. */
  seed?: number;
  tokenLifetimeSeconds?: number;
}

/** Everything the mock remembers. `reset` (the control hook) empties it; the clock is not part of it. */
export class MockState {
  readonly clock: Clock;
  readonly credentials: { clientId: string; clientSecret: string };
  readonly faults: ReadonlySet<FaultId>;
  readonly tokenLifetimeSeconds: number;
  readonly environmentId: string;
  readonly #faker: Faker;
  tokens = new Map<string, { clientId: string; expiresAt: number }>();
  authRequests: AuthLogEntry[] = [];

  constructor(options: MockOptions) {
    this.clock = options.clock;
    this.credentials = options.credentials;
    this.faults = new Set(options.faults ?? []);
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_399;
    this.#faker = new Faker({ locale: [en], seed: options.seed ?? 1 });
    this.environmentId = this.id('env_');
  }

  has(fault: FaultId): boolean {
    return this.faults.has(fault);
  }

  /** A fresh identifier with the given prefix (`ar_`, `env_`, ...). */
  id(prefix: string, length = 16): string {
    return `${prefix}${this.#faker.string.numeric(length)}`;
  }

  secret(length = 40): string {
    return this.#faker.string.alphanumeric(length);
  }

  reset(): void {
    this.tokens.clear();
    this.authRequests = [];
  }
}
