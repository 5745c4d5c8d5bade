// Stateful chains (OAS-018, OAS-019): create, get, list, update and delete across organizations, users, domains,
// M2M clients and their secrets, organization and environment roles and permissions, wired by the producer →
// consumer links inferred from the spec (src/contract/links.ts). A fixed lifecycle chain per rule makes every
// check run; seeded random command sequences (fast-check model-based runs) look for orderings that break the
// model. A failure lists the chain's steps, each request with a curl line; everything created carries the run
// tag and is deleted at the end of each run; without --allow-writes the tests are skipped.
import fc from 'fast-check';
import { describe, inject } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import {
  ChainContext,
  type ChainOptions,
  commandArbitraries,
  lifecycleCommands,
  rootCommands,
  runChain,
} from '../../src/contract/stateful.js';
import {
  assertConforms,
  assertProperty,
  PropertyFailure,
  requireWrites,
  type Target,
  test,
} from '../../src/harness/index.js';
import { dereferencedSpec } from '../../src/spec/document.js';

/** The spec, read when a test runs: collecting the file (the suite index, `rules`) has no run to inject it. */
const specDocument = () => dereferencedSpec(inject('conformance').specPath);

/** Runs one fixed chain and returns its failures (already carrying the chain's steps). */
async function fixedChain(target: Target, options: ChainOptions): Promise<Failure[]> {
  const context = new ChainContext(target, await specDocument(), options);
  try {
    await runChain(context, lifecycleCommands(context));
    return [];
  } catch (error) {
    if (error instanceof PropertyFailure) return error.failures;
    throw error;
  }
}

describe('stateful chains over the linked resources', () => {
  test('a created resource can be fetched at once, appears in its list, and shows each update', {
    tags: ['OAS-019'],
  }, async ({ target, skip }) => {
    requireWrites(target, skip);
    assertConforms(...(await fixedChain(target, { rules: ['OAS-019'] })));
  });

  test('a deleted resource is gone from get and from its list', { tags: ['OAS-018'] }, async ({ target, skip }) => {
    requireWrites(target, skip);
    assertConforms(...(await fixedChain(target, { rules: ['OAS-018'] })));
  });

  test('seeded random sequences of create, get, list, update and delete keep the server in step with the model', {
    tags: ['OAS-018', 'OAS-019'],
  }, async ({ target, skip }) => {
    requireWrites(target, skip);
    const context = new ChainContext(target, await specDocument(), { rules: ['OAS-018', 'OAS-019'] });
    await assertProperty(
      fc.asyncProperty(fc.commands(commandArbitraries(context), { maxCommands: 8 }), (commands) =>
        runChain(context, commands, rootCommands(context)),
      ),
      { seed: target.seed, numRuns: 10 },
    );
  });
});
