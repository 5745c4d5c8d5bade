// vitest globalSetup for the "loopback" project of `npm test`: serves the mock on 127.0.0.1 so the suites reach it
// through the same URL-target path a live server gets, over a real socket.
import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { systemClock } from '../clock.js';
import { serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import type { RunContext } from './context.js';

export default async function setup(project: TestProject) {
  const base = project.config.provide.conformance as RunContext | undefined;
  if (!base) throw new Error('vitest.config.ts must provide "conformance" before the loopback mock starts');
  const credentials = { clientId: 'skc_loopback_mock', clientSecret: `mock-${randomUUID()}` };
  const served = await serveMock(createMock({ clock: systemClock, credentials, seed: base.seed }));
  project.provide('conformance', { ...base, target: { kind: 'url', baseUrl: served.url, ...credentials } });
  return () => served.close();
}
