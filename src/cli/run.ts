import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DriftFinding, formatDrift } from '../checks/drift.js';
import { createTokenSession } from '../client/api.js';
import { TokenError } from '../client/oauth.js';
import { systemClock } from '../clock.js';
import { type RunFlags, type RunSettings, resolveRunSettings } from '../config/settings.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { newRunId, type RunContext } from '../harness/context.js';
import { serveMock } from '../mock/http-server.js';
import { createMock } from '../mock/index.js';
import { aggregateRules, hasMustFailure, summarise } from '../reporters/aggregate.js';
import { formatRuleTable, formatTestLine } from '../reporters/console.js';
import { writeJsonReport } from '../reporters/json.js';
import { writeJunitReport } from '../reporters/junit.js';
import type { RunReport } from '../reporters/model.js';
import { Redactor } from '../reporters/redact.js';
import { rules } from '../rules/catalogue.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import { toolName, toolVersion } from '../version.js';
import { executeSuites } from './execute.js';

export interface RunIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Fails early, before any test runs, if a report path cannot be written. */
function assertWritable(path: string | undefined, flag: string): void {
  if (!path) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
  } catch (error) {
    throw new UserError(`cannot write ${flag} ${path} (${describeError(error)})`, `Choose a writable path for ${flag}`);
  }
}

/** Checks that a URL target answers and accepts the credentials; every problem becomes a one-line UserError. */
async function preflight(baseUrl: string, credentials: { clientId: string; clientSecret: string }, timeoutMs: number) {
  const session = createTokenSession({ baseUrl, credentials, timeoutMs, clock: systemClock });
  try {
    await session.token();
  } catch (error) {
    if (error instanceof TokenError && error.kind === 'unreachable') {
      throw new UserError(
        `cannot reach the target ${baseUrl}: ${describeError(error.cause)}`,
        'Check --target and that the server is running and reachable',
      );
    }
    if (error instanceof TokenError && error.kind === 'rejected') {
      throw new UserError(
        `authentication failed: ${error.message}`,
        'Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET (or --client-id/--client-secret) for this environment',
      );
    }
    if (error instanceof TokenError) {
      throw new UserError(
        `the target's token endpoint misbehaved: ${error.message}`,
        'Check that --target is a Scalekit environment URL',
      );
    }
    throw error;
  }
}

/** One drift entry per kind, operation, status and rule, however many tests saw it. */
function uniqueDrift(findings: DriftFinding[]): DriftFinding[] {
  const byKey = new Map(findings.map((f) => [`${f.kind} ${f.operation} ${f.status ?? ''} ${f.rule}`, f]));
  return [...byKey.values()];
}

export async function runCommand(flags: RunFlags, io: RunIo): Promise<ExitCode> {
  const started = Date.now();
  const settings: RunSettings = resolveRunSettings(flags, io.env, io.cwd);
  const reportJson = settings.reportJson && resolve(io.cwd, settings.reportJson);
  const reportJunit = settings.reportJunit && resolve(io.cwd, settings.reportJunit);
  assertWritable(reportJson, '--report-json');
  assertWritable(reportJunit, '--report-junit');

  const secrets = settings.target.kind === 'url' ? [settings.target.clientSecret] : [];
  const redactor = new Redactor([...secrets, io.env.SCALEKIT_CLIENT_SECRET]);
  const spec = await resolveSpec({ flag: settings.spec, env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);

  let targetLabel: string;
  let target: RunContext['target'];
  let stopMock: (() => Promise<void>) | undefined;
  if (settings.target.kind === 'mock') {
    // The embedded mock is served on loopback, so a default run takes the same socket path as a live target.
    const credentials = { clientId: 'skc_embedded_mock', clientSecret: `mock-${randomUUID()}` };
    redactor.addSecret(credentials.clientSecret);
    const served = await serveMock(
      // The mock follows the run's profile too, so a config that decides an open point differently still passes.
      createMock({
        clock: systemClock,
        credentials,
        faults: settings.target.faults,
        seed: settings.seed,
        profile: settings.profile,
      }),
    );
    stopMock = served.close;
    target = { kind: 'url', baseUrl: served.url, ...credentials };
    const faultNote = settings.target.faults.length > 0 ? ` with fault(s) ${settings.target.faults.join(', ')}` : '';
    targetLabel = `embedded mock (${served.url})${faultNote}`;
  } else {
    const { baseUrl, clientId, clientSecret } = settings.target;
    target = { kind: 'url', baseUrl, clientId, clientSecret };
    targetLabel = settings.target.baseUrl;
  }

  const restoreOutput = redactor.guardProcessOutput();
  try {
    await preflight(target.baseUrl, target, settings.timeoutMs);
    io.out(`${toolName} ${toolVersion}`);
    io.out(`target: ${targetLabel} (from ${settings.targetSource})`);
    io.out(`spec:   ${spec.origin} (sha256 ${spec.sha256.slice(0, 12)})`);
    io.out(`seed:   ${settings.seed} (replay with --seed ${settings.seed})`);
    if (settings.only.length > 0) io.out(`only:   ${settings.only.join(', ')}`);

    const context: RunContext = {
      target,
      specPath: spec.localPath,
      seed: settings.seed,
      timeoutMs: settings.timeoutMs,
      profile: settings.profile,
      runId: newRunId(),
    };
    const collector = await executeSuites(context, {
      only: settings.only,
      onTest: (test) => io.out(formatTestLine(test)),
    });

    const ruleOutcomes = aggregateRules(rules, collector.tests);
    const report: RunReport = {
      tool: { name: toolName, version: toolVersion },
      target: targetLabel,
      spec: { origin: spec.origin, sha256: spec.sha256 },
      seed: settings.seed,
      only: settings.only,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      summary: summarise(ruleOutcomes, collector.tests),
      rules: ruleOutcomes,
      tests: collector.tests,
      errors: collector.errors,
      drift: uniqueDrift(collector.tests.flatMap((t) => t.drift)),
    };
    if (reportJson) writeJsonReport(reportJson, report, redactor);
    if (reportJunit) writeJunitReport(reportJunit, report, redactor);
    io.out('');
    io.out(formatRuleTable(report));
    if (report.drift.length > 0) {
      io.out('');
      io.out('Drift between the docs and the spec (reported, not failures):');
      for (const d of report.drift) io.out(`- ${formatDrift(d)}`);
    }
    if (reportJson) io.out(`JSON report:  ${reportJson}`);
    if (reportJunit) io.out(`JUnit report: ${reportJunit}`);

    if (collector.errors.length > 0) {
      for (const error of collector.errors) io.out(`error: ${error}`);
      return ExitCode.internal;
    }
    if (collector.tests.every((t) => t.state === 'skipped') && settings.only.length > 0) {
      throw new UserError(
        `--only ${settings.only.join(',')} selected no test`,
        'Pick rules that have tests: `scalekit-conformance rules`',
      );
    }
    return hasMustFailure(ruleOutcomes) ? ExitCode.conformanceFailure : ExitCode.ok;
  } finally {
    restoreOutput();
    await stopMock?.();
  }
}
