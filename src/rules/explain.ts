// From a rule ID to its code, for `rules --explain`: the checks whose rule parameter names the rule, the oracles
// that model it, and where a table row writes the tag a generated test carries. Static scans over source texts
// (the caller reads the files), so they are pure and run from an installed package the same as from a clone.
import ts from 'typescript';
import type { Contradiction, Gap, Rule, SourceRef } from './types.js';

/** A file and what to read there: a source text, with its path relative to the package root. */
export interface SourceText {
  file: string;
  text: string;
}

/** A named place in the source: `file:line name`. */
export interface CodeLocation {
  file: string;
  line: number;
  name: string;
}

/** A check that may decide the rule; `calledAt` for a generic check, where a suite passes it the rule's ID. */
export interface CheckLocation extends CodeLocation {
  calledAt?: string[];
}

/** A suite test citing the rule; `row` is the line of a table row that writes the tag, when the test is generated. */
export interface TestLocation extends CodeLocation {
  row?: number;
}

/** An oracle file naming the rule, and its exports (functions mostly) whose code or doc comment names it. */
export interface OracleMention {
  file: string;
  exports: { name: string; line: number }[];
}

/** A seeded mock fault bearing on the rule: it breaks it, must cause drift under it, fails it under another profile,
 * or must show up as a diagnostic under it while it passes. */
export interface FaultMention {
  id: string;
  how: 'breaks' | 'drift' | 'profile' | 'diagnostic';
  description: string;
}

/** What `rules --explain` prints and `rules --json` carries for one rule. */
export interface RuleExplanation {
  id: string;
  force: Rule['force'];
  area: Rule['area'];
  tests: number;
  notCheckable?: string;
  statement: string;
  sources: readonly SourceRef[];
  related: { id: string; summary: string }[];
  testLocations: TestLocation[];
  checks: CheckLocation[];
  oracles: OracleMention[];
  faults: FaultMention[];
}

const ruleIdShape = /^[A-Z]{2,4}-\d{3}$/;

/** Rule IDs a text names, ranges such as `RDR-003..RDR-016` (or `RDR-003..016`) expanded. */
export function ruleIdsNamedIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b([A-Z]{2,4})-(\d{3})(?:\.\.(?:\1-)?(\d{3}))?\b/g)) {
    const [, prefix, from = '', to] = match;
    const first = Number(from);
    const last = to === undefined ? first : Number(to);
    for (let n = first; n <= Math.max(first, last); n++) found.push(`${prefix}-${String(n).padStart(3, '0')}`);
  }
  return found;
}

const lineOf = (source: ts.SourceFile, position: number) => source.getLineAndCharacterOfPosition(position).line + 1;

const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** `x as const`, `x satisfies T`, `(x)`: the expression underneath. */
function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

/** What a piece of code names: rule-ID string literals (in types and values), and the type names it refers to. */
interface Named {
  ids: Set<string>;
  typeNames: Set<string>;
}

function namedIn(node: ts.Node): Named {
  const named: Named = { ids: new Set(), typeNames: new Set() };
  const visit = (child: ts.Node) => {
    if ((ts.isStringLiteral(child) || ts.isNoSubstitutionTemplateLiteral(child)) && ruleIdShape.test(child.text)) {
      named.ids.add(child.text);
    } else if (ts.isTypeReferenceNode(child) && ts.isIdentifier(child.typeName)) {
      named.typeNames.add(child.typeName.text);
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return named;
}

/** A declaration a scan reports: its name, where the name is, and what it names. */
interface Declared {
  name: string;
  line: number;
  named: Named;
}

const parse = (source: SourceText) => ts.createSourceFile(source.file, source.text, ts.ScriptTarget.Latest, true);

/**
 * The exported declarations of one check module, each with what it names. An object of named checks
 * (`contractChecks`) gives one entry per property, `contractChecks.not_a_server_error`; a type alias or interface
 * is reported as `type X`, since a check's rule parameter is often a union type named once.
 */
function exportedDeclarations(source: ts.SourceFile): Declared[] {
  const declared: Declared[] = [];
  const add = (name: string, at: ts.Node, node: ts.Node) =>
    declared.push({ name, line: lineOf(source, at.getStart(source)), named: namedIn(node) });
  for (const statement of source.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) add(statement.name.text, statement.name, statement);
    else if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
      add(`type ${statement.name.text}`, statement.name, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const variable of statement.declarationList.declarations) {
        if (!ts.isIdentifier(variable.name)) continue;
        const value = variable.initializer && unwrap(variable.initializer);
        if (value && ts.isObjectLiteralExpression(value)) {
          for (const property of value.properties) {
            const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name));
            if (key && property.name) add(`${variable.name.text}.${property.name.text}`, property.name, property);
          }
        } else add(variable.name.text, variable.name, variable);
      }
    }
  }
  return declared;
}

/** Every type alias and interface of the sources (exported or not), by name, with what it names. */
function typeDeclarations(sources: readonly ts.SourceFile[]): Map<string, Named> {
  const types = new Map<string, Named>();
  for (const source of sources) {
    for (const statement of source.statements) {
      if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
        types.set(statement.name.text, namedIn(statement));
      }
    }
  }
  return types;
}

/** The rule IDs a declaration names, directly or through the types it refers to (transitively, by name). */
function idsThrough(named: Named, types: ReadonlyMap<string, Named>): Set<string> {
  const ids = new Set(named.ids);
  const seen = new Set<string>();
  const pending = [...named.typeNames];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const type = types.get(name);
    if (!type) continue;
    for (const id of type.ids) ids.add(id);
    pending.push(...type.typeNames);
  }
  return ids;
}

/**
 * Per rule ID, the exported checks that may decide it: functions (and named-check entries, and types) whose rule
 * parameter type names the ID, directly or through a union type, or whose code passes the ID to a failure. `RuleId`
 * itself names no rule, so a generic check (`checkStatus(rule: RuleId, ...)`) is listed under a rule only where a
 * suite calls it with that rule's ID written as the argument (`calledAt`: where, `file:line`).
 */
export function checksByRule(
  checkSources: readonly SourceText[],
  suiteSources: readonly SourceText[] = [],
): Map<string, CheckLocation[]> {
  const parsed = checkSources.map(parse);
  const types = typeDeclarations(parsed);
  const byRule = new Map<string, CheckLocation[]>();
  const exported = new Map<string, CodeLocation>();
  for (const source of parsed) {
    for (const { name, line, named } of exportedDeclarations(source)) {
      exported.set(name, { file: source.fileName, line, name });
      for (const id of idsThrough(named, types)) {
        byRule.set(id, [...(byRule.get(id) ?? []), { file: source.fileName, line, name }]);
      }
    }
  }
  for (const { id, callee, at } of callsWithRuleId(suiteSources)) {
    const check = exported.get(callee);
    if (!check) continue;
    const listed = byRule.get(id) ?? [];
    byRule.set(id, listed);
    const entry = listed.find((c) => c.name === callee && c.file === check.file);
    if (!entry) listed.push({ ...check, calledAt: [at] });
    else if (entry.calledAt && !entry.calledAt.includes(at)) entry.calledAt.push(at);
  }
  return byRule;
}

/** Calls in the suites whose argument is a rule ID written out (`checkStatus('ALG-010', ...)`), by callee name. */
function callsWithRuleId(sources: readonly SourceText[]): { id: string; callee: string; at: string }[] {
  const calls: { id: string; callee: string; at: string }[] = [];
  for (const text of sources) {
    const source = parse(text);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        for (const argument of node.arguments) {
          if (ts.isStringLiteral(argument) && ruleIdShape.test(argument.text)) {
            const at = `${text.file}:${lineOf(source, node.getStart(source))}`;
            calls.push({ id: argument.text, callee: node.expression.text, at });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/** A top-level declaration of an oracle file: its name (and the line of the name), its span with its doc comment,
 * whether it is exported, and the identifiers it uses. */
interface TopDeclaration {
  name: string;
  line: number;
  start: number;
  end: number;
  exported: boolean;
  uses: Set<string>;
}

function topDeclarations(source: ts.SourceFile): TopDeclaration[] {
  return source.statements.flatMap((statement): TopDeclaration[] => {
    const declaration = ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : statement;
    const name = declaration && ts.getNameOfDeclaration(declaration as ts.Declaration);
    if (!name || !ts.isIdentifier(name)) return [];
    return [
      {
        name: name.text,
        line: lineOf(source, name.getStart(source)),
        start: statement.getStart(source, true),
        end: statement.end,
        exported: isExported(statement),
        uses: identifiersIn(statement),
      },
    ];
  });
}

/** Identifiers a node uses, to follow an internal helper to the exports that call it. */
function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (child: ts.Node) => {
    if (ts.isIdentifier(child)) names.add(child.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

/** The exports that reach a declaration: itself if exported, else every export using it, transitively. */
function exportsReaching(holder: TopDeclaration, declarations: readonly TopDeclaration[]): TopDeclaration[] {
  const reached: TopDeclaration[] = [];
  const seen = new Set([holder]);
  const pending = [holder];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (current.exported) {
      reached.push(current);
      continue;
    }
    const helper = current.name;
    for (const user of declarations) {
      if (!seen.has(user) && user !== current && user.uses.has(helper)) {
        seen.add(user);
        pending.push(user);
      }
    }
  }
  return reached;
}

/**
 * Per rule ID, the oracle files that name it (in code or in a comment, ranges included) and the exports there
 * whose code or doc comment names it. A mention inside an internal helper is credited to the exports that use the
 * helper (within the file); a mention in the file's header comment credits the file alone.
 */
export function oraclesByRule(sources: readonly SourceText[]): Map<string, OracleMention[]> {
  const byRule = new Map<string, OracleMention[]>();
  for (const text of sources) {
    const source = parse(text);
    const declarations = topDeclarations(source);
    const creditedByRule = new Map<string, Map<string, number>>();
    for (const match of text.text.matchAll(/\b[A-Z]{2,4}-\d{3}(?:\.\.(?:[A-Z]{2,4}-)?\d{3})?\b/g)) {
      const holder = declarations.find((d) => match.index >= d.start && match.index < d.end);
      const credited = holder ? exportsReaching(holder, declarations) : [];
      for (const id of ruleIdsNamedIn(match[0])) {
        const exports = creditedByRule.get(id) ?? new Map<string, number>();
        creditedByRule.set(id, exports);
        for (const { name, line } of credited) exports.set(name, line);
      }
    }
    for (const [id, exports] of creditedByRule) {
      const mention = {
        file: text.file,
        exports: [...exports].map(([name, line]) => ({ name, line })).sort((a, b) => a.line - b.line),
      };
      byRule.set(id, [...(byRule.get(id) ?? []), mention]);
    }
  }
  return byRule;
}

/**
 * The line of the table row that writes a rule's tag (`tags: ['RDR-008']`, or `tags: [..., 'RDR-008']`), for a
 * generated test whose vitest location is the `test(` call inside the loop. Undefined when no row writes it.
 */
export function tagRowLine(text: string, id: string): number | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => /\btags:\s*\[/.test(line) && line.includes(`'${id}'`));
  return index < 0 ? undefined : index + 1;
}

/** The faults bearing on a rule, and how. */
export function faultsNaming(
  id: string,
  faults: readonly {
    id: string;
    description: string;
    rules: readonly string[];
    drift?: readonly { rule: string }[];
    diagnostics?: readonly string[];
    underProfiles?: readonly { rules: readonly string[] }[];
  }[],
): FaultMention[] {
  return faults.flatMap((fault): FaultMention[] => {
    const how: FaultMention['how'] | undefined = fault.rules.includes(id)
      ? 'breaks'
      : fault.drift?.some((d) => d.rule === id)
        ? 'drift'
        : fault.underProfiles?.some((p) => p.rules.includes(id))
          ? 'profile'
          : fault.diagnostics?.includes(id)
            ? 'diagnostic'
            : undefined;
    return how ? [{ id: fault.id, how, description: fault.description }] : [];
  });
}

/** A JSON pointer into the spec, as a reader finds the place: `GET /api/v1/... responses/400`. */
function readablePointer(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const [root, first, second, ...rest] = segments;
  if (root === 'paths' && first && second) return `${second.toUpperCase()} ${first} ${rest.join('/')}`.trim();
  if (root === 'components' && first === 'schemas' && second) return `schema ${second} ${rest.join('/')}`.trim();
  if (root === 'webhooks' && first) return `webhook ${first} ${[second, ...rest].join('/')}`.trim();
  return pointer;
}

/** One source of the catalogue as a line a reader can follow. */
export function formatSource(source: SourceRef): string {
  const section = 'section' in source && source.section ? ` § ${source.section}` : '';
  switch (source.kind) {
    case 'seed':
      return `seed document "${source.document}"${section}`;
    case 'docs':
      return `docs page ${source.page}${section}`;
    case 'repo':
      return `docs repository ${source.path}${section}`;
    case 'spec':
      return `spec ${readablePointer(source.pointer)} (${source.pointer})`;
    case 'sdk':
      return `sdk ${source.path}${source.lines ? ` lines ${source.lines}` : ''}`;
    case 'derived':
      return `derived from ${source.from.join(', ')}`;
  }
}

/** The related contradictions and gaps, each with its topic or question. */
export function relatedFindings(
  rule: Pick<Rule, 'related'>,
  contradictions: readonly Contradiction[],
  gaps: readonly Gap[],
): { id: string; summary: string }[] {
  return (rule.related ?? []).map((id) => ({
    id,
    summary: contradictions.find((c) => c.id === id)?.topic ?? gaps.find((g) => g.id === id)?.question ?? '',
  }));
}

const calledAtNote = (calls: readonly string[]) =>
  ` (given the rule at ${calls[0]}${calls.length > 1 ? ` and ${calls.length - 1} more` : ''})`;

/** `rules --explain`'s text: the rule, then where it is written, tested, decided, modelled and broken. */
export function formatExplanation(rule: RuleExplanation): string[] {
  const section = (title: string, lines: string[]) => [
    '',
    `${title}${lines.length === 0 ? ': none' : ` (${lines.length}):`}`,
    ...lines.map((line) => `  ${line}`),
  ];
  const width = (names: readonly string[]) => Math.max(0, ...names.map((n) => n.length));
  const where = (l: CodeLocation) => `${l.file}:${l.line}`;
  const testWidth = width(rule.testLocations.map(where));
  const checkWidth = width(rule.checks.map(where));
  const faultWidth = width(rule.faults.map((f) => f.id));
  return [
    `${rule.id}  ${rule.force}  ${rule.area}`,
    `  ${rule.statement}`,
    ...(rule.notCheckable ? [`  ${rule.notCheckable}`] : []),
    ...section('sources', rule.sources.map(formatSource)),
    ...section(
      'related',
      rule.related.map((r) => `${r.id.padEnd(5)} ${r.summary}`),
    ),
    ...section(
      'tests',
      rule.testLocations.map(
        (t) => `${where(t).padEnd(testWidth)}  ${t.name}${t.row ? ` (table row at line ${t.row})` : ''}`,
      ),
    ),
    ...section(
      'checks',
      rule.checks.map((c) => `${where(c).padEnd(checkWidth)}  ${c.name}${c.calledAt ? calledAtNote(c.calledAt) : ''}`),
    ),
    ...section(
      'oracles',
      rule.oracles.map((o) =>
        o.exports.length === 0
          ? `${o.file} (file comment)`
          : `${o.file}: ${o.exports.map((e) => `${e.name} (line ${e.line})`).join(', ')}`,
      ),
    ),
    ...section(
      'faults',
      rule.faults.map((f) => `${f.id.padEnd(faultWidth)}  ${f.how === 'breaks' ? '' : `(${f.how}) `}${f.description}`),
    ),
  ];
}
