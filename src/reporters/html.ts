import type { Failure } from '../checks/failure.js';
import { describeHookStateOutcome } from '../client/hook-state.js';
import { describeProblem } from '../client/problems.js';
import { replayVariablesNote, sourceLabel } from './console.js';
import { gradeOf, type RuleGrade } from './grade.js';
import type { RuleOutcome, RunReport } from './model.js';
import type { Redactor } from './redact.js';
import { writeAtomically } from './write.js';

// One self-contained HTML file: inline CSS and script, nothing fetched (the CSP blocks any fetch, so a mistake shows
// as a console error instead of a silent request), readable from disk and with JavaScript off.
//
// The data is embedded as escaped HTML rows, not as JSON for a script to render: the page then reads whole without
// JavaScript, the report's text exists once (no JSON copy beside the rows), and there is one escaping rule (HTML text
// and attribute escaping) instead of two. The script only hides and shows rows.

/** What a rule's row says it is: the shared grade of a listed (selected) rule. */
type RuleKind = Exclude<RuleGrade, 'deselected'>;

const kindLabel: Record<RuleKind, string> = {
  'must-failure': 'failed',
  warning: 'warning',
  'expected-failure': 'expected failure',
  'unexpected-pass': 'unexpected pass',
  errored: 'errored',
  passed: 'passed',
  skipped: 'skipped',
  uncovered: 'uncovered',
};

/** A listed rule's kind: the shared grade (deselected rules are not listed). */
function kindOf(rule: RuleOutcome): RuleKind {
  const grade = gradeOf(rule);
  return grade === 'deselected' ? 'skipped' : grade;
}

/** Failed rules first (those that fail the run before warnings and expected ones), then errored, then by ID. */
const kindRank: Partial<Record<RuleKind, number>> = {
  'must-failure': 0,
  warning: 1,
  'expected-failure': 2,
  errored: 3,
};

const byId = (a: RuleOutcome, b: RuleOutcome) => a.id.localeCompare(b.id, 'en', { numeric: true });

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text and attribute values alike: every string from the report goes through here (bodies come from anywhere). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** A link only for http(s): an expectations file could hold `javascript:` as well as a tracker URL. */
function link(url: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a>` : code(url);
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function verdict(report: RunReport, listed: RuleOutcome[]): { text: string; tone: string } {
  if (!report.summary.completed) return { text: 'incomplete: no verdict', tone: 'errored' };
  const mustFailures = listed.filter((r) => kindOf(r) === 'must-failure').length;
  if (mustFailures > 0) return { text: plural(mustFailures, 'MUST failure'), tone: 'must-failure' };
  if (report.summary.errored > 0)
    return { text: `no verdict: ${plural(report.summary.errored, 'rule')} errored`, tone: 'errored' };
  const unexpected = report.summary.unexpectedPasses ?? 0;
  if (report.expectations?.strict && unexpected > 0)
    return { text: `${plural(unexpected, 'unexpected pass', 'unexpected passes')} (strict)`, tone: 'unexpected-pass' };
  const warnings = report.summary.warnings;
  return { text: warnings > 0 ? `passed, ${plural(warnings, 'warning')}` : 'passed', tone: 'passed' };
}

function metaList(report: RunReport): string {
  // Short facts in a grid; the long ones (selection globs, spec path and hash) each take a whole line.
  const items: [string, string, 'wide'?][] = [
    ['Target', code(report.target)],
    ['Seed', `${code(String(report.seed))} <span class="hint">replay with ${code(`--seed ${report.seed}`)}</span>`],
    [
      'Started',
      `${escapeHtml(report.startedAt)} <span class="hint">took ${escapeHtml(duration(report.durationMs))}</span>`,
    ],
    ['Tool', escapeHtml(`${report.tool.name} ${report.tool.version}`)],
  ];
  if (report.shard) items.push(['Shard', escapeHtml(`${report.shard.index} of ${report.shard.count}`)]);
  if (report.maxFailures) {
    const { limit, reached, notRun } = report.maxFailures;
    const state = reached ? `reached: the run stopped, ${plural(notRun, 'test')} not run` : 'not reached';
    items.push(['Max failures', escapeHtml(`${limit} (${state})`)]);
  }
  if (report.expectations) {
    const strict = report.expectations.strict ? ' <span class="hint">strict</span>' : '';
    items.push(['Expectations', code(report.expectations.file) + strict]);
  }
  if (report.only.length > 0) items.push(['Only', report.only.map(code).join(' '), 'wide']);
  if (report.exclude.length > 0) items.push(['Exclude', report.exclude.map(code).join(' '), 'wide']);
  items.push([
    'Spec',
    `${escapeHtml(report.spec.origin)} <span class="hint">sha256</span> ${code(report.spec.sha256)}`,
    'wide',
  ]);
  const item = ([term, value, wide]: (typeof items)[number]) =>
    `<div${wide ? ' class="wide"' : ''}><dt>${term}</dt><dd>${value}</dd></div>`;
  return `<dl class="meta">${items.map(item).join('')}</dl>`;
}

function chips(report: RunReport): string {
  const s = report.summary;
  const chip = (kind: string, count: number | undefined, label: string, title?: string) =>
    count === undefined
      ? ''
      : `<li class="chip k-${kind}${count === 0 ? ' zero' : ''}"${title ? ` title="${escapeHtml(title)}"` : ''}><b>${count}</b> ${label}</li>`;
  return `<ul class="chips" aria-label="Rule counts">${[
    chip('passed', s.passed, 'passed'),
    chip('must-failure', s.failed, 'failed', 'Every failed rule, warnings and expected failures included'),
    chip('warning', s.warnings, s.warnings === 1 ? 'warning' : 'warnings', 'Failed SHOULD or MAY rules'),
    chip('expected-failure', s.expectedFailures, s.expectedFailures === 1 ? 'expected failure' : 'expected failures'),
    chip('unexpected-pass', s.unexpectedPasses, s.unexpectedPasses === 1 ? 'unexpected pass' : 'unexpected passes'),
    chip('errored', s.errored, 'errored', 'No verdict: the target gave no usable answer'),
    chip('skipped', s.skipped, 'skipped', 'Selected, but not run: a precondition, a hook the target lacks'),
    chip('uncovered', s.uncovered, 'uncovered', 'No test checks these rules'),
    chip('deselected', s.deselected, 'deselected', 'Left out by the selection (--only, --exclude, --shard)'),
  ].join('')}</ul>`;
}

/** What the run says outside the rules: why it stopped, load errors, stale expectations, the target's settings. */
function notices(report: RunReport): string {
  const lines: string[] = [];
  if (report.incomplete) lines.push(`The run did not complete: ${escapeHtml(report.incomplete)}`);
  if (report.stopped) {
    const { afterRequests, at, cause, request } = report.stopped;
    lines.push(
      escapeHtml(
        `The run stopped early at ${at}, after ${plural(afterRequests, 'request')}: the target stopped answering (${cause}${request ? `; ${request}` : ''}).`,
      ),
    );
  }
  for (const error of report.errors) lines.push(`Error outside any test: <pre>${escapeHtml(error)}</pre>`);
  for (const entry of report.expectations?.expired ?? [])
    lines.push(`Expectation ${code(entry.match)} expired on ${escapeHtml(entry.until ?? '?')}: not applied.`);
  for (const entry of report.expectations?.unmatched ?? [])
    lines.push(`Expectation ${code(entry.match)} matched no rule and no test of this run.`);
  if (report.drift.length > 0)
    lines.push(
      `${plural(report.drift.length, 'docs-versus-spec drift finding')} (see the JSON report for the list; they are not verdicts).`,
    );
  if (report.targetSettings)
    for (const line of describeHookStateOutcome(report.targetSettings)) lines.push(escapeHtml(line));
  return lines.length > 0 ? `<ul class="notices">${lines.map((line) => `<li>${line}</li>`).join('')}</ul>` : '';
}

const pre = (text: string, className?: string) =>
  `<pre${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</pre>`;

function failureBlock(failure: Failure, label = 'failure'): string {
  const parts = [
    `<div class="failure"><p class="ftitle"><span class="tag">${label}</span> ${escapeHtml(failure.title)}</p>`,
    `<dl><dt>expected</dt><dd>${pre(failure.expected)}</dd><dt>received</dt><dd>${pre(failure.received)}</dd>`,
  ];
  if (failure.details?.length) parts.push(`<dt>details</dt><dd>${pre(failure.details.join('\n'))}</dd>`);
  if (failure.replay) parts.push(`<dt>replay</dt><dd>${pre(failure.replay, 'replay')}</dd>`);
  parts.push('</dl></div>');
  return parts.join('');
}

function ruleDetails(rule: RuleOutcome, kind: RuleKind): string {
  const parts: string[] = [];
  const expectation = rule.expectation;
  if (expectation) {
    const lead =
      kind === 'expected-failure'
        ? 'Expected to fail'
        : kind === 'unexpected-pass'
          ? `Expected to ${expectation.outcome === 'skip' ? 'be skipped' : 'fail'}, but passed`
          : `Expected to ${expectation.outcome === 'skip' ? 'be skipped' : 'fail'}`;
    const extras = [
      expectation.link ? link(expectation.link) : '',
      expectation.until ? `until ${escapeHtml(expectation.until)}` : '',
    ].filter(Boolean);
    parts.push(
      `<p class="expectation">${lead} (${code(expectation.match)}): ${escapeHtml(expectation.reason)}${extras.length ? ` · ${extras.join(' · ')}` : ''}</p>`,
    );
  }
  for (const failure of rule.failures ?? []) parts.push(failureBlock(failure));
  for (const error of rule.errors ?? [])
    parts.push(
      `<div class="failure"><p class="ftitle"><span class="tag">no answer</span> ${escapeHtml(error.test)}</p>${pre(describeProblem(error))}</div>`,
    );
  for (const diagnostic of rule.diagnostics ?? []) parts.push(failureBlock(diagnostic, 'diagnostic'));
  if (rule.tests.length > 0) {
    const tests = rule.tests.map(
      (test) =>
        `<li><span class="dot dot-${test.state}" title="${test.state}"></span>${escapeHtml(test.name)} <span class="file">${escapeHtml(test.file)}</span> <span class="hint">${test.state}</span></li>`,
    );
    parts.push(`<ul class="tests">${tests.join('')}</ul>`);
  }
  const sources = rule.sources.map(sourceLabel).join('; ');
  if (sources) parts.push(`<p class="hint">Source: ${escapeHtml(sources)}</p>`);
  return parts.join('');
}

function ruleRow(rule: RuleOutcome): string {
  const kind = kindOf(rule);
  // The status filter matches any of these words: `failed` finds warnings and expected failures too.
  const statusWords = new Set([kind, rule.status]);
  const reason = rule.reason ? `<span class="reason">${escapeHtml(rule.reason)}</span>` : '';
  const statement = `<span class="statement">${escapeHtml(rule.statement)}</span>${reason}`;
  const details = ruleDetails(rule, kind);
  const statementCell = details
    ? `<details${kind === 'must-failure' ? ' class="important"' : ''}><summary>${statement}</summary><div class="more">${details}</div></details>`
    : statement;
  const testStates = rule.tests.reduce<Record<string, number>>((counts, t) => {
    counts[t.state] = (counts[t.state] ?? 0) + 1;
    return counts;
  }, {});
  const testTitle = Object.entries(testStates)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return [
    `<tr id="rule-${escapeHtml(rule.id)}" class="row-${kind}" data-area="${escapeHtml(rule.area)}" data-force="${rule.force}" data-status="${[...statusWords].join(' ')}">`,
    `<th scope="row">${escapeHtml(rule.id)}</th>`,
    `<td class="force f-${rule.force}">${rule.force}</td>`,
    `<td class="area">${escapeHtml(rule.area)}</td>`,
    `<td><span class="badge k-${kind}">${kindLabel[kind]}</span></td>`,
    `<td class="text">${statementCell}</td>`,
    `<td class="num"${testTitle ? ` title="${escapeHtml(testTitle)}"` : ''}>${rule.tests.length}</td>`,
    '</tr>',
  ].join('');
}

function filters(listed: RuleOutcome[]): string {
  const areas = [...new Set(listed.map((r) => r.area))].sort();
  const option = (value: string, label: string) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  const statuses: [string, string][] = [
    ['failed', 'failed (any)'],
    ['must-failure', 'failed MUST'],
    ['warning', 'warning'],
    ['expected-failure', 'expected failure'],
    ['unexpected-pass', 'unexpected pass'],
    ['errored', 'errored'],
    ['passed', 'passed (any)'],
    ['skipped', 'skipped'],
    ['uncovered', 'uncovered'],
  ];
  // Hidden until the script shows it: without JavaScript the filters would do nothing, and every row is shown.
  return `<form id="filters" class="filters" hidden role="search" aria-label="Filter rules">
<span><label for="filter-area">Area</label> <select id="filter-area" name="area">${option('', 'all areas')}${areas.map((a) => option(a, a)).join('')}</select></span>
<span><label for="filter-force">Force</label> <select id="filter-force" name="force">${option('', 'all forces')}${['MUST', 'SHOULD', 'MAY'].map((f) => option(f, f)).join('')}</select></span>
<span><label for="filter-status">Status</label> <select id="filter-status" name="status">${option('', 'all statuses')}${statuses.map(([v, l]) => option(v, l)).join('')}</select></span>
<span><label for="filter-text">Search</label> <input id="filter-text" type="search" name="text" placeholder="ID or statement" autocomplete="off"></span>
<button type="reset">Clear</button>
</form>`;
}

const style = `
:root{color-scheme:light;--line:#e2e8f0;--muted:#64748b;--ink:#0f172a}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
header,main{padding:12px 20px}
header{border-bottom:1px solid var(--line);background:#f8fafc}
h1{margin:0 0 6px;font-size:22px;display:flex;align-items:center;gap:10px}
h1::before{content:"";width:14px;height:14px;border-radius:50%;background:currentColor}
h1.v-passed{color:#15803d}h1.v-must-failure{color:#b91c1c}h1.v-errored{color:#9f1239}h1.v-unexpected-pass{color:#7e22ce}
h2{font-size:16px;margin:4px 0 8px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.hint{color:var(--muted);font-size:12px}
.meta{display:flex;flex-wrap:wrap;gap:2px 32px;margin:6px 0 10px}
.meta div{display:flex;gap:8px;min-width:0}
.meta dt{color:var(--muted)}
.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}
.meta .wide{flex-basis:100%}
.chips{list-style:none;display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0}
.chip{padding:2px 10px;border-radius:999px;font-size:13px}
.chip.zero{opacity:.45}
.notices{margin:10px 0 0;padding:8px 12px 8px 28px;background:#fffbeb;border:1px solid #fde68a;border-radius:6px}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:0 0 6px}
.filters label{color:var(--muted)}
.filters select,.filters input,.filters button{font:inherit;padding:2px 6px;border:1px solid #cbd5e1;border-radius:4px;background:#fff;color:var(--ink)}
.filters input{width:16em}
.count{margin:0 0 6px;color:var(--muted)}
.note{margin:0 0 8px;font-size:12px;color:var(--muted)}
table{width:100%;border-collapse:collapse}
th,td{padding:4px 8px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;z-index:1;background:#f1f5f9;box-shadow:inset 0 -1px #cbd5e1;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#334155}
tbody th{font:600 12px/1.9 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
tbody tr:hover{background:#f8fafc}
tr.row-must-failure>th{box-shadow:inset 3px 0 #dc2626}tr.row-warning>th{box-shadow:inset 3px 0 #d97706}
tr.row-errored>th{box-shadow:inset 3px 0 #e11d48}tr.row-expected-failure>th{box-shadow:inset 3px 0 #2563eb}
tr.row-unexpected-pass>th{box-shadow:inset 3px 0 #9333ea}
td.force,td.area{white-space:nowrap;font-size:12px;line-height:1.9}
td.f-MUST{font-weight:600}td.f-MAY{color:var(--muted)}
td.num{text-align:right;font-variant-numeric:tabular-nums;line-height:1.9}
td.text{width:100%}
.badge{display:inline-block;padding:1px 8px;border-radius:4px;font-size:12px;font-weight:600;white-space:nowrap}
.k-passed{background:#dcfce7;color:#166534}
.k-must-failure{background:#fee2e2;color:#b91c1c}
.k-warning{background:#fef3c7;color:#92400e}
.k-expected-failure{background:#dbeafe;color:#1d4ed8}
.k-unexpected-pass{background:#f3e8ff;color:#7e22ce}
.k-errored{background:#fff;color:#9f1239;outline:1px dashed #e11d48;outline-offset:-1px}
.k-skipped{background:#e2e8f0;color:#475569}
.k-uncovered{background:#fff;color:#64748b;outline:1px dotted #94a3b8;outline-offset:-1px}
.k-deselected{background:#f1f5f9;color:#64748b}
summary{cursor:pointer}
summary::marker{color:#94a3b8}
details.important>summary::marker{color:#dc2626}
.reason{display:block;color:var(--muted);font-size:12px}
.more{margin:6px 0 4px;padding-left:10px;border-left:2px solid var(--line)}
.failure{margin:0 0 10px}
.ftitle{margin:0 0 2px;font-weight:600}
.tag{font:600 11px system-ui,sans-serif;text-transform:uppercase;color:#b91c1c;letter-spacing:.04em}
.failure dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 10px;margin:0}
.failure dt{color:var(--muted);font-size:12px;padding-top:5px}
.failure dd{margin:0;min-width:0}
pre{margin:0;padding:4px 8px;background:#f8fafc;border:1px solid var(--line);border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:22em;overflow:auto}
pre.replay{background:#0f172a;color:#e2e8f0;border-color:#0f172a}
.replay-box{position:relative}
.replay-box button{position:absolute;top:3px;right:3px;font:11px system-ui,sans-serif;padding:1px 6px;border-radius:3px;border:1px solid #475569;background:#1e293b;color:#e2e8f0;cursor:pointer}
.expectation{margin:0 0 8px;padding:4px 8px;border-radius:4px;background:#eff6ff}
tr.row-unexpected-pass .expectation{background:#faf5ff}
.tests{list-style:none;margin:0 0 4px;padding:0;font-size:13px}
.tests li{display:flex;gap:6px;align-items:baseline;flex-wrap:wrap}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;flex:none}
.dot-passed{background:#16a34a}.dot-failed{background:#dc2626}.dot-errored{background:#e11d48}.dot-skipped{background:#94a3b8}
.file{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px;color:var(--muted)}
.empty{padding:16px;text-align:center;color:var(--muted)}
`;

// Plain ES2020 for the browser; runs after the table is parsed (the script sits at the end of the body).
const script = `
(function () {
  var form = document.getElementById('filters');
  var count = document.getElementById('shown');
  var empty = document.getElementById('no-match');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#rules tbody tr'));
  var searchable = rows.map(function (row) {
    return (row.cells[0].textContent + ' ' + row.querySelector('.statement').textContent).toLowerCase();
  });
  function apply() {
    var area = form.elements.area.value, force = form.elements.force.value, status = form.elements.status.value;
    var text = form.elements.text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, i) {
      var visible = (!area || row.dataset.area === area) && (!force || row.dataset.force === force) &&
        (!status || row.dataset.status.split(' ').indexOf(status) >= 0) && (!text || searchable[i].indexOf(text) >= 0);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    count.textContent = shown + ' of ' + rows.length + ' rules shown';
    empty.hidden = shown > 0 || rows.length === 0;
  }
  form.hidden = false;
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  // The reset event comes before the fields are cleared.
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  apply();
  document.querySelectorAll('pre.replay').forEach(function (pre) {
    var box = document.createElement('div');
    box.className = 'replay-box';
    pre.parentNode.insertBefore(box, pre);
    box.appendChild(pre);
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy the replay line');
    button.addEventListener('click', function () {
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      var select = function () {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = 'Selected: press Ctrl+C';
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(pre.textContent).then(done, select);
      else select();
    });
    box.appendChild(button);
  });
})();
`;

export function renderHtmlReport(report: RunReport): string {
  const listed = report.rules
    .filter((r) => !r.deselected)
    .sort((a, b) => (kindRank[kindOf(a)] ?? 9) - (kindRank[kindOf(b)] ?? 9) || byId(a, b));
  const deselected = report.rules.length - listed.length;
  const { text: verdictText, tone } = verdict(report, listed);
  const hasReplay = listed.some((r) => r.failures?.some((f) => f.replay));
  const deselectedLine = deselected
    ? ` · ${plural(deselected, 'rule')} left out by the selection (--only, --exclude, --shard), not listed`
    : '';
  const rows = listed.map(ruleRow).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${report.tool.name} ${report.tool.version}`)}">
<title>${escapeHtml(`${verdictText} · ${report.target} · ${report.tool.name}`)}</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<header>
<h1 class="v-${tone}">${escapeHtml(verdictText)}</h1>
${metaList(report)}
${chips(report)}
${notices(report)}
</header>
<main>
<h2>Rules</h2>
${filters(listed)}
<p class="count" aria-live="polite"><span id="shown">${listed.length} of ${listed.length} rules shown</span><span id="deselected">${escapeHtml(deselectedLine)}</span></p>
${hasReplay ? `<p class="note">${escapeHtml(replayVariablesNote)}</p>` : ''}
<table id="rules">
<thead><tr><th scope="col">ID</th><th scope="col">Force</th><th scope="col">Area</th><th scope="col">Status</th><th scope="col">Statement</th><th scope="col" title="Tests citing the rule">Tests</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p id="no-match" class="empty" hidden>No rule matches the filters.</p>
</main>
<script>${script}</script>
</body>
</html>
`;
}

/**
 * Redacted twice: the report's strings before they are escaped (an escaped `&quot;access_token&quot;` or `&amp;code=`
 * no longer matches a secret's shape), then the page's text, as the other reports are.
 */
export function writeHtmlReport(path: string, report: RunReport, redactor: Redactor): void {
  writeAtomically(path, redactor.redact(renderHtmlReport(redactor.redactDeep(report))));
}
