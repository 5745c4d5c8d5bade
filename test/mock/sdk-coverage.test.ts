import { readFileSync } from 'node:fs';
import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { operationFor, operationsOf } from '../../src/contract/operations.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock } from '../../src/mock/index.js';
import { httpRulesOf, pathVariables } from '../../src/protocol/sdk/http-rule.js';
import { sdkServices } from '../../src/protocol/sdk/services.js';
import { dereferencedSpec } from '../../src/spec/document.js';
import { packageDir } from '../cli/run-cli.js';
import { clientCredentialsToken } from '../support/token.js';

// What of the Node SDK works against the mock, exactly: every RPC of its services is called over gRPC, and the mock
// answers each one whose REST twin it serves (anything but UNIMPLEMENTED, a 404 of a made-up ID included) and no
// other. The counts are the ones RUNNING.md states, so the document cannot drift from the mock.

const specPath = process.env.SCALEKIT_OPENAPI;
if (!specPath) throw new Error('set SCALEKIT_OPENAPI to the spec file before running these tests');
const operations = operationsOf(await dereferencedSpec(specPath));
const credentials = { clientId: 'skc_sdk_coverage', clientSecret: 'sdk-coverage-secret' };

let served: ServedMock;
let token = '';
beforeAll(async () => {
  served = await serveMock(createMock({ clock: systemClock, credentials, seed: 19 }), 0);
  token = await clientCredentialsToken(served.url, credentials);
});
afterAll(() => served.close());

/** The RPC's request with every path variable of its first rule set to a made-up ID. */
function requestFor(method: (typeof sdkServices)[number]['methods'][number]): JsonObject {
  const json: JsonObject = {};
  for (const variable of pathVariables(
    httpRulesOf(method)[0] ?? { method: 'GET', path: '', body: '', responseBody: '' },
  )) {
    let node = json;
    const names = variable.split('.');
    for (const name of names.slice(0, -1)) {
      node[name] ??= {};
      node = node[name] as JsonObject;
    }
    node[names.at(-1) ?? ''] = 'x1';
  }
  return json;
}

describe('the Node SDK’s RPCs against the served mock', () => {
  it('are answered exactly where the mock serves the REST request the RPC stands for; RUNNING.md states the counts', async () => {
    const transport = createGrpcTransport({ baseUrl: served.url });
    const answered: string[] = [];
    const expected: string[] = [];
    let total = 0;
    for (const service of sdkServices) {
      const client = createClient(service, transport) as unknown as Record<
        string,
        (m: unknown, o: object) => Promise<unknown>
      >;
      for (const method of service.methods) {
        if (method.methodKind !== 'unary') continue;
        total += 1;
        const name = `${service.name}.${method.name}`;
        // The rule the mock routes by: the first one whose path variables the request sets (here: the first).
        const rule = httpRulesOf(method)[0];
        const path = rule?.path ?? '';
        const twin =
          rule &&
          (path === '/api/v1/organizations:search' ||
            operationFor(operations, rule.method, `http://t${path.replace(/\{[^}]+\}/g, 'x1')}`));
        if (twin) expected.push(name);
        let request: unknown;
        try {
          request = fromJson(method.input, requestFor(method), { ignoreUnknownFields: true });
        } catch {
          request = fromJson(method.input, {});
        }
        const code = await client[method.localName]?.(request, { headers: { authorization: `Bearer ${token}` } }).then(
          () => 0,
          (error: unknown) => ConnectError.from(error).code,
        );
        if (code !== Code.Unimplemented) answered.push(name);
      }
    }
    expect(answered).toEqual(expected);
    if (process.env.SDK_COVERAGE_PRINT) console.log(answered.join('\n'));
    const running = readFileSync(`${packageDir}/RUNNING.md`, 'utf8').replace(/\s+/g, ' ');
    const stated = `${answered.length} of the ${total} unary RPCs`;
    expect(running.includes(stated), `RUNNING.md states "${stated}"`).toBe(true);
  });
});
