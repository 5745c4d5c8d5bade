import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { FaultId } from '../../src/mock/faults.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { clientCredentialsToken } from '../support/token.js';

// The two seeded faults of the redirects hook's refusals, seen on the wire: what a refusal names (a diagnostic for
// the suites) and whether a refused batch changes anything (the all-or-nothing promise of the target contract).

const credentials = { clientId: 'skc_redirect_faults', clientSecret: 'redirect-faults-secret' };
let served: ServedMock | undefined;

afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** A mock with the given faults on a loopback socket, and a `call` to its redirects hook. */
async function redirectsHook(faults: FaultId[]) {
  served = await serveMock(createMock({ clock: new ManualClock(Date.UTC(2026, 5, 1)), credentials, faults, seed: 5 }));
  const { url } = served;
  const token = await clientCredentialsToken(url, credentials);
  return async (method: 'GET' | 'PUT', uris?: string[]) => {
    const response = await fetch(`${url}/_conformance/v1/redirects/callback`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(uris ? { body: JSON.stringify({ uris }) } : {}),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  };
}

const earlier = ['https://app.example.com/one', 'https://app.example.com/two'];
const batch = ['https://app.example.com/new', 'https://app.example.com/cb?x=1'];

describe('the redirects hook under its seeded faults', () => {
  it('without faults, a refused batch names the broken rules and changes nothing', async () => {
    const call = await redirectsHook([]);
    expect((await call('PUT', earlier)).status).toBe(200);
    expect(await call('PUT', batch)).toEqual({
      status: 400,
      json: { rejected: [{ uri: 'https://app.example.com/cb?x=1', rules: ['RDR-008'] }] },
    });
    expect(await call('GET')).toEqual({ status: 200, json: { uris: earlier } });
  });

  it('redirects.extra-rule-names names one rule more, and still refuses exactly what it refused', async () => {
    const call = await redirectsHook(['redirects.extra-rule-names']);
    expect(await call('PUT', batch)).toEqual({
      status: 400,
      json: { rejected: [{ uri: 'https://app.example.com/cb?x=1', rules: ['RDR-004', 'RDR-008'] }] },
    });
    expect((await call('PUT', earlier)).status).toBe(200);
  });

  it('redirects.partial-registration keeps the valid rest of a refused batch', async () => {
    const call = await redirectsHook(['redirects.partial-registration']);
    expect((await call('PUT', earlier)).status).toBe(200);
    expect((await call('PUT', batch)).status).toBe(400);
    expect(await call('GET')).toEqual({ status: 200, json: { uris: ['https://app.example.com/new'] } });
  });
});
