import type { DriftFinding } from '../checks/drift.js';
import { isCalendarDay } from '../clock.js';
import { entryFields, parseUserYaml, UserError } from '../errors.js';
import { driftKinds } from '../rules/drift-kinds.js';
import { changeKinds } from './change-kinds.js';
import type { ChangeGroup, DriftReport } from './report.js';

export interface AcceptEntry {
  kind: string;
  location: string;
  reason: string;
  until?: string;
  /** Server drift only: the status the finding is about (an undeclared 401, not every undeclared status). */
  status?: number;
}

const entryKeys = ['kind', 'location', 'reason', 'until', 'status'] as const;
const entryFix =
  'Each entry needs kind (a change kind such as SD-001, or a drift kind such as undeclared-status), location ' +
  '(an operation such as "GET /api/v1/users", a location or a JSON pointer) and reason';

const quoted = (value: unknown) => JSON.stringify(value)?.slice(0, 80) ?? String(value);
const isKind = (kind: string) => kind in changeKinds || (driftKinds as readonly string[]).includes(kind);

/** The label an entry is reported under: its kind and location (and status). */
export const entryLabel = (entry: AcceptEntry): string =>
  `${entry.kind} ${entry.location}${entry.status === undefined ? '' : ` ${entry.status}`}`;

function parseEntry(raw: unknown, where: string): AcceptEntry {
  const fields = entryFields(raw, where, entryKeys, 'kind, location and reason', entryFix);
  for (const key of ['kind', 'location', 'reason'] as const) {
    if (typeof fields[key] !== 'string' || (fields[key] as string).trim() === '') {
      throw new UserError(`${where}: ${key} must be a non-empty string, got ${quoted(fields[key])}`, entryFix);
    }
  }
  const { kind, location, reason } = fields as Record<'kind' | 'location' | 'reason', string>;
  if (!isKind(kind)) {
    throw new UserError(
      `${where}: kind ${quoted(kind)} is neither a change kind nor a drift kind`,
      'Use the kind a drift report names: SD-001 .. (spec against spec) or undeclared-status, undocumented-property, ..',
    );
  }
  // YAML reads an unquoted 2027-03-01 as a date: take it back as the day it was written.
  const until = fields.until instanceof Date ? fields.until.toISOString().slice(0, 10) : fields.until;
  if (until !== undefined && (typeof until !== 'string' || !isCalendarDay(until))) {
    throw new UserError(`${where}: until ${quoted(until)} is not a date written YYYY-MM-DD`, 'Write until: 2027-03-01');
  }
  const status = fields.status;
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 100)) {
    throw new UserError(
      `${where}: status ${quoted(status)} is not an HTTP status`,
      'Write status: 401, or leave it out',
    );
  }
  return {
    kind,
    location: location.trim(),
    reason,
    ...(until === undefined ? {} : { until }),
    ...(status === undefined ? {} : { status }),
  };
}

/** The entries of an accepted-changes file's text, checked: one-line errors naming the file and the entry. */
export function parseAcceptFile(text: string, file: string): AcceptEntry[] {
  const document = parseUserYaml(text, file, 'Fix the accepted-changes file');
  const listed =
    document && typeof document === 'object' && !Array.isArray(document)
      ? (document as Record<string, unknown>).accept
      : document;
  if (document && typeof document === 'object' && !Array.isArray(document)) {
    const unknown = Object.keys(document).filter((key) => key !== 'accept');
    if (unknown.length > 0) {
      throw new UserError(`${file} has unknown top-level key(s) ${unknown.join(', ')}`, 'Write a list of entries');
    }
  }
  if (listed === null || listed === undefined) return [];
  if (!Array.isArray(listed)) {
    throw new UserError(`${file} does not hold a list of accepted changes`, entryFix);
  }
  return listed.map((raw, index) => {
    const location = (raw as { location?: unknown } | null)?.location;
    return parseEntry(raw, `${file} entry ${index + 1}${typeof location === 'string' ? ` (${location})` : ''}`);
  });
}

/** A JSON pointer as a reader writes it: `/paths/~1api~1v1~1users/get` is `/paths//api/v1/users/get`. */
const readablePointer = (pointer: string) => pointer.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Whether an entry's location names a change group: one of its JSON pointers (escaped or as read), one of the
 * places a client meets it, or the operation (`GET /api/v1/users`) such a place starts with.
 */
function namesGroup(location: string, group: ChangeGroup): boolean {
  const pointers = [group.pointer, group.fromPointer].filter((p): p is string => p !== undefined);
  if (pointers.some((pointer) => pointer === location || readablePointer(pointer) === location)) return true;
  return group.locations.some((place) => place === location || place.startsWith(`${location} `));
}

function namesFinding(entry: AcceptEntry, finding: DriftFinding): boolean {
  return (
    entry.kind === finding.kind &&
    entry.location === finding.operation &&
    (entry.status === undefined || entry.status === finding.status)
  );
}

/**
 * Marks what the entries accept in `report` (its spec-diff groups and server findings, in place) and records the
 * entries that matched nothing or are past their day. `today` is YYYY-MM-DD, from the CLI's clock.
 */
export function applyAcceptance(report: DriftReport, entries: readonly AcceptEntry[], file: string, today: string) {
  const unmatched: { entry: string; reason: string }[] = [];
  const expired: { entry: string; reason: string; until: string }[] = [];
  const groups = report.specDiff?.groups ?? [];
  const findings = report.server?.operations.flatMap((operation) => operation.findings) ?? [];
  for (const entry of entries) {
    if (entry.until !== undefined && entry.until < today) {
      expired.push({ entry: entryLabel(entry), reason: entry.reason, until: entry.until });
      continue;
    }
    const accepted = { reason: entry.reason, ...(entry.until === undefined ? {} : { until: entry.until }) };
    let matched = 0;
    for (const group of groups) {
      if (group.kind === entry.kind && namesGroup(entry.location, group)) {
        group.accepted = accepted;
        matched += 1;
      }
    }
    for (const finding of findings) {
      if (namesFinding(entry, finding)) {
        finding.accepted = accepted;
        matched += 1;
      }
    }
    if (matched === 0) unmatched.push({ entry: entryLabel(entry), reason: entry.reason });
  }
  report.acceptance = { file, unmatched, expired };
}
