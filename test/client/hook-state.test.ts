// The run's own machinery: the settings a run changes through the control hooks are read before it and put back
// after it, against the standalone mock, and what cannot be read (a target without the read extensions) is said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlHooks } from '../../src/client/control-hooks.js';
import {
  describeDuration,
  describeHookStateOutcome,
  restoreHookState,
  snapshotHookState,
} from '../../src/client/hook-state.js';
import { createTransport, type Transport } from '../../src/client/transport.js';
import { ManualClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { hooksFor as hooksForTarget, ownersEndpoint, ownersInterceptor, settingsOf } from '../support/hook-settings.js';

const credentials = { clientId: 'skc_hook_state', clientSecret: 'hook-state-secret' };
const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
let served: ServedMock;

beforeAll(async () => {
  served = await serveMock(createMock({ clock, credentials, seed: 5 }));
});
afterAll(() => served.close());

const hooksFor = (transport?: Transport) =>
  hooksForTarget(served.url, credentials, { clock, ...(transport ? { transport } : {}) });

const template = { subject: 'Owners {{ otp }}', html: '<p>{{ otp }}</p>', text: '{{ otp }}' };

describe('the target settings a run puts back', () => {
  it('puts back every setting a run changed, environment first, and says how far the clock moved', async () => {
    const hooks = hooksFor();
    // The owners' configuration before the run: a custom template, their endpoint, a production allowlist.
    await hooks.setEnvironment('production');
    await hooks.requireRedirects('callback', ['https://app.example.com/callback']);
    await hooks.setEmailTemplate('SIGNIN', template);
    await hooks.setWebhookEndpoint(ownersEndpoint);
    await hooks.setInterceptor('PRE_SIGNUP', ownersInterceptor);
    const before = await settingsOf(hooks);
    const snapshot = await snapshotHookState(hooks, clock);
    expect(snapshot.unreadable).toEqual([]);

    // What suites do: a development allowlist (needs the development kind), other settings, the clock moved.
    await hooks.setEnvironment('development');
    await hooks.requireRedirects('callback', ['http://localhost:3000/callback']);
    await hooks.requireRedirects('post_logout', ['http://localhost:3000/bye']);
    await hooks.setPasswordlessSettings({ type: 'LINK', enforce_same_browser_origin: true });
    await hooks.restoreEmailTemplate('SIGNIN');
    await hooks.setEmailTemplate('SIGNUP', template);
    await hooks.setWebhookEndpoint({ url: 'http://127.0.0.1:9/webhooks', secret: ownersEndpoint.secret });
    // An interceptor test replaces the owners' one and removes its own; another leaves one where there was none.
    await hooks.removeInterceptor('PRE_SIGNUP');
    await hooks.setInterceptor('PRE_SESSION_CREATION', { ...ownersInterceptor, url: 'http://127.0.0.1:9/suite' });
    await hooks.advanceClock(26 * 3_600_000);
    clock.advance(1_000);

    const outcome = await restoreHookState(hooks, snapshot, clock);
    expect(await settingsOf(hooks)).toEqual(before);
    expect(outcome.restored).toEqual([
      'environment kind',
      'callback redirect URIs',
      'post_logout redirect URIs',
      'passwordless settings',
      'SIGNIN email template',
      'SIGNUP email template',
      'webhook endpoint',
      'PRE_SIGNUP interceptor',
      'PRE_SESSION_CREATION interceptor',
    ]);
    expect(outcome.notRestored).toEqual([]);
    expect(outcome.clock?.movedMs).toBe(26 * 3_600_000);
    expect(describeHookStateOutcome(outcome).at(-1)).toMatch(/moved it 1 d 2 h ahead .*cannot move it back/);
  });

  it('says nothing was put back when nothing changed, and removes an endpoint registered over none', async () => {
    const hooks = hooksFor();
    await hooks.removeWebhookEndpoint();
    const snapshot = await snapshotHookState(hooks, clock);
    expect(snapshot.webhookEndpoint).toBeNull();
    expect(await restoreHookState(hooks, snapshot, clock)).toEqual({ restored: [], notRestored: [] });

    await hooks.setWebhookEndpoint(ownersEndpoint);
    const outcome = await restoreHookState(hooks, snapshot, clock);
    expect(outcome.restored).toEqual(['webhook endpoint']);
    expect(await hooks.webhookEndpoint()).toBeNull();
  });

  it('on a target without the read extensions, lists the template and endpoint as not put back, with why', async () => {
    const plain = createTransport({ timeoutMs: 5000 });
    // A target of the contract's first version: no GET of a template or of the endpoint.
    const withoutReads: Transport = (request) =>
      request.method === 'GET' && /\/(email\/templates|webhooks\/endpoint)/.test(request.url)
        ? Promise.resolve(new Response('{}', { status: 404 }))
        : plain(request);
    const hooks = hooksFor(withoutReads);
    const snapshot = await snapshotHookState(hooks, clock);
    const outcome = await restoreHookState(hooks, snapshot, clock);
    expect(outcome.notRestored.map((n) => n.setting)).toEqual([
      'SIGNIN email template',
      'SIGNUP email template',
      'webhook endpoint',
    ]);
    expect(outcome.notRestored[2]?.reason).toMatch(/offers no GET .*webhooks\/endpoint/);
  });

  it('gives up at the first request without an answer, listing the rest as not tried', async () => {
    const hooks = hooksFor();
    const snapshot = await snapshotHookState(hooks, clock);
    let sent = 0;
    const gone = new ControlHooks(
      served.url,
      createTransport({
        timeoutMs: 5000,
        fetch: () => {
          sent += 1;
          return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
        },
      }),
      async () => 'token',
    );
    const outcome = await restoreHookState(gone, snapshot, clock);
    expect(sent).toBe(1);
    expect(outcome.restored).toEqual([]);
    expect(outcome.notRestored[0]?.reason).toMatch(/got no usable answer/);
    expect(outcome.notRestored.slice(1).every((n) => n.reason.startsWith('not tried: the target did not answer'))).toBe(
      true,
    );
    expect(outcome.notRestored.length).toBeGreaterThan(5);
  });

  it('reads durations as a person would', () => {
    expect(describeDuration(26 * 3_600_000 + 5 * 60_000)).toBe('1 d 2 h 5 min');
    expect(describeDuration(21 * 60_000)).toBe('21 min');
    expect(describeDuration(42_000)).toBe('42 s');
  });
});
