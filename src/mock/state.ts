import type { Faker } from '@faker-js/faker';
import type { components } from '../../generated/openapi.js';
import { type Clock, OffsetClock } from '../clock.js';
import { defaultProfile, type Profile } from '../config/profile.js';
import { seededFaker } from '../generation/faker.js';
import type { FaultId } from './faults.js';
import type { DispatcherOptions } from './webhooks/dispatcher.js';

export type AuthLogEntry = components['schemas']['auditlogsAuthLogRequest'];
export type EnvironmentKind = 'development' | 'production';

export interface MockOptions {
  /** The time source; the mock runs an offset clock over it, which the `clock` hook moves forward. */
  clock: Clock;
  /** The one API client the token endpoint accepts for client credentials. */
  credentials: { clientId: string; clientSecret: string };
  faults?: readonly FaultId[];
  /** Seeds every identifier and secret the mock makes up, so two runs with one seed give the same answers. */
  seed?: number;
  tokenLifetimeSeconds?: number;
  environment?: EnvironmentKind;
  /** The open points of the docs, as the mock decides them (defaults unless given). */
  profile?: Profile;
  /** Control hooks to switch off (not advertised, answered 404). */
  disabledHooks?: readonly string[];
  /** Retry profile, success set and timeout of webhook deliveries (C-03, C-06, WHD-010). */
  webhooks?: DispatcherOptions;
}

/** A webhook event the mock's state changes emit; the dispatcher signs and delivers them. */
export interface EmittedEvent {
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Everything the mock remembers. Each resource module keeps its own slice (see `slice`), so modules do not
 * share mutable structures; `reset` (the control hook) drops every slice. The clock is not state: reset keeps it.
 */
export class MockState {
  readonly clock: OffsetClock;
  readonly credentials: { clientId: string; clientSecret: string };
  readonly faults: Set<FaultId>;
  readonly tokenLifetimeSeconds: number;
  readonly environmentId: string;
  environment: EnvironmentKind;
  readonly profile: Profile;
  readonly #faker: Faker;
  readonly #slices = new Map<string, unknown>();
  readonly #listeners: ((event: EmittedEvent) => void)[] = [];
  tokens = new Map<string, { clientId: string; expiresAt: number }>();
  authRequests: AuthLogEntry[] = [];

  constructor(options: MockOptions) {
    this.clock = new OffsetClock(options.clock);
    this.credentials = options.credentials;
    this.faults = new Set(options.faults ?? []);
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_399;
    this.environment = options.environment ?? 'development';
    this.profile = options.profile ?? defaultProfile;
    this.#faker = seededFaker(options.seed ?? 1);
    this.environmentId = this.id('env_');
  }

  has(fault: FaultId): boolean {
    return this.faults.has(fault);
  }

  /** A fresh identifier with the given prefix (`ar_`, `org_`, ...). */
  id(prefix: string, length = 16): string {
    return `${prefix}${this.#faker.string.numeric(length)}`;
  }

  secret(length = 40): string {
    return this.#faker.string.alphanumeric(length);
  }

  /** The current time as an RFC 3339 string, from the mock's clock. */
  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A resource module's own state, created on first use and dropped by `reset`. */
  slice<T>(name: string, create: () => T): T {
    let slice = this.#slices.get(name) as T | undefined;
    if (slice === undefined) {
      slice = create();
      this.#slices.set(name, slice);
    }
    return slice;
  }

  /** Subscribes to the webhook events state changes emit. */
  onEvent(listener: (event: EmittedEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** Emits a webhook event with the envelope every event shares (WHP-001); `data` is the event's own part. */
  emit(type: string, object: string, data: Record<string, unknown>, organizationId?: string): void {
    // The payload faults (WHP-001..WHP-007) each break one envelope or data rule.
    const { id: _id, ...withoutId } = data;
    const payload: Record<string, unknown> = {
      spec_version: this.has('webhooks.spec-version-number') ? 1 : '1',
      id: this.has('webhooks.event-id-unprefixed') ? this.id('', 20) : this.id('evt_', 20),
      type,
      occurred_at: this.has('webhooks.occurred-at-epoch') ? Math.floor(this.clock.now() / 1000) : this.nowIso(),
      ...(this.has('webhooks.environment-id-missing')
        ? {}
        : {
            environment_id: this.has('webhooks.environment-id-unprefixed')
              ? this.environmentId.replace(/^env_/, '')
              : this.environmentId,
          }),
      object: this.has('webhooks.wrong-object') ? 'Event' : object,
      data: this.has('webhooks.data-id-missing') ? withoutId : data,
      ...(organizationId ? { organization_id: organizationId } : {}),
    };
    for (const listener of this.#listeners) listener({ type, payload });
  }

  /** Drops everything created through the API and the hooks. Issued tokens stay valid: they are not API data. */
  reset(): void {
    this.authRequests = [];
    this.#slices.clear();
  }
}
