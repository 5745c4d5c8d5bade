// The HTML report in a real headless Chromium, opened from disk as a user would: it renders, filters, expands, keeps
// hostile bodies as text, fetches nothing, and reads whole without JavaScript. A missing Chromium fails the file:
// a skip would let the check rot unseen. playwright-core has no web-first assertions: page state that may settle after
// an action is read with expect.poll.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { renderHtmlReport, writeHtmlReport } from '../../src/reporters/html.js';
import { Redactor } from '../../src/reporters/redact.js';
import { launchChromium } from '../support/chromium.js';
import { buildHtmlFixtureReport, buildLargeReport, clientSecret, hostileBody } from './html-fixture.js';

const screenshotPath = fileURLToPath(new URL('../../reports/html-report.png', import.meta.url));

const report = buildHtmlFixtureReport();
const listed = report.rules.filter((rule) => !rule.deselected);
const deselected = report.rules.filter((rule) => rule.deselected);

let browser: Browser | undefined;
/** Set when there is no Chromium: every browser test then fails with it, none is skipped. */
let noBrowser: string | undefined;
let workDir: string;
let reportFile: string;
let reportUrl: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'html-report-'));
  reportFile = join(workDir, 'report.html');
  reportUrl = pathToFileURL(reportFile).href;
  writeHtmlReport(reportFile, report, new Redactor([clientSecret]));
  const launched = await launchChromium();
  if ('missing' in launched) noBrowser = launched.missing;
  else browser = launched.browser;
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface OpenedReport {
  page: Page;
  /** Console errors (a CSP violation is one) and uncaught page errors. */
  problems: string[];
  requests: string[];
}

/** The report in a fresh context, so no test sees another's filter state. */
async function openReport(javaScriptEnabled = true): Promise<OpenedReport> {
  if (!browser) throw new Error(noBrowser ?? 'Chromium did not start');
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(reportUrl);
  return { page, problems, requests };
}

const visibleRows = (page: Page) => page.locator('#rules tbody tr').filter({ visible: true });
const visibleIds = async (page: Page) => (await visibleRows(page).locator('th').allTextContents()).sort();
const idsWhere = (keep: (rule: (typeof listed)[number]) => boolean) =>
  listed
    .filter(keep)
    .map((rule) => rule.id)
    .sort();
const countLine = (page: Page) => page.locator('#shown');

describe('the HTML report in Chromium', () => {
  test('shows the verdict, the counts and one row per listed rule, failures first', async () => {
    const { page } = await openReport();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('1 MUST failure');
    const chips = page.getByRole('list', { name: 'Rule counts' });
    for (const chip of [
      '5 passed',
      '3 failed',
      '1 warning',
      '1 expected failure',
      '1 unexpected pass',
      '1 errored',
      '2 skipped',
      '1 uncovered',
      '1 deselected',
    ])
      await expect.poll(() => chips.textContent()).toContain(chip);
    expect(await page.locator('header').textContent()).toContain(`--seed ${report.seed}`);

    await expect.poll(() => page.locator('#rules tbody tr').count()).toBe(listed.length);
    for (const rule of deselected) await expect.poll(() => page.locator(`#rule-${rule.id}`).count()).toBe(0);
    await expect
      .poll(() => page.locator('.count').textContent())
      .toContain(`${listed.length} of ${listed.length} rules shown`);
    await expect.poll(() => page.locator('.count').textContent()).toContain('1 rule left out by the selection');

    // MUST failure, warning, expected failure, errored, then the rest by ID.
    const order = await page.locator('#rules tbody th').allTextContents();
    expect(order.slice(0, 4)).toEqual(['ALG-001', 'ALG-003', 'RDR-001', 'TOK-001']);
    const statusOf = (id: string) => page.locator(`#rule-${id} .badge`);
    await expect.poll(() => statusOf('ALG-003').textContent()).toBe('warning');
    await expect.poll(() => statusOf('RDR-001').textContent()).toBe('expected failure');
    await expect.poll(() => statusOf('RDR-002').textContent()).toBe('unexpected pass');
    await expect.poll(() => statusOf('OTH-001').textContent()).toBe('uncovered');
  });

  test('filters by area, force, status and text, counts what it shows, and clears', async () => {
    const { page } = await openReport();
    const expectShown = async (ids: string[]) => {
      await expect.poll(() => visibleIds(page), { message: 'the rows the filters leave visible' }).toEqual(ids);
      await expect.poll(() => countLine(page).textContent()).toBe(`${ids.length} of ${listed.length} rules shown`);
    };

    await page.getByLabel('Area', { exact: true }).selectOption('auth-logs');
    await expectShown(idsWhere((rule) => rule.area === 'auth-logs'));

    await page.getByLabel('Area', { exact: true }).selectOption('');
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await expectShown(['ALG-001', 'ALG-003', 'RDR-001']);

    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Force', { exact: true }).selectOption('SHOULD');
    await expectShown(idsWhere((rule) => rule.force === 'SHOULD'));

    await page.getByLabel('Force', { exact: true }).selectOption('');
    const statementWords = (listed.find((rule) => rule.id === 'TOK-002')?.statement ?? '').slice(0, 24);
    await page.getByLabel('Search', { exact: true }).fill(statementWords.toUpperCase());
    await expectShown(idsWhere((rule) => rule.statement.toLowerCase().includes(statementWords.toLowerCase())));
    await page.getByLabel('Search', { exact: true }).fill('rdr-');
    await expectShown(idsWhere((rule) => rule.id.startsWith('RDR-')));

    // Filters combine, and can match nothing.
    await page.getByLabel('Area', { exact: true }).selectOption('auth-logs');
    await expectShown([]);
    await expect.poll(() => page.getByText('No rule matches the filters.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Clear' }).click();
    await expectShown(listed.map((rule) => rule.id).sort());
  });

  test('opens a failure to its expected, received and replay line; a script in a body stays text', async () => {
    const { page } = await openReport();
    const failure = page.locator('#rule-ALG-001');
    await expect.poll(() => failure.locator('.failure').isVisible()).toBe(false);
    await failure.locator('summary').click();
    await expect.poll(() => failure.locator('dd').first().textContent()).toBe('200 with a JSON list of auth logs');
    expect(
      await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss),
      'a script in a received body ran',
    ).toBeUndefined();
    await expect
      .poll(() => failure.getByText(hostileBody, { exact: false }).isVisible(), {
        message: "the received body's script, shown as text",
      })
      .toBe(true);
    await expect.poll(() => failure.locator('pre.replay').textContent()).toContain('curl -sS -X GET');
    await expect.poll(() => failure.locator('pre.replay').textContent()).toContain('$SCALEKIT_ACCESS_TOKEN');
    await expect.poll(() => failure.locator('.tests').textContent()).toContain('suites/auth-logs/list.test.ts');
    await expect.poll(() => page.locator('.note').textContent()).toContain('$SCALEKIT_ACCESS_TOKEN');

    const expected = page.locator('#rule-RDR-001');
    await expected.locator('summary').click();
    await expect
      .poll(() => expected.locator('.expectation').textContent())
      .toContain('known bug: the field is renamed upstream');
    await expect
      .poll(() => expected.getByRole('link').getAttribute('href'))
      .toBe('https://github.com/example/tracker/issues/42');

    const errored = page.locator('#rule-TOK-001');
    await errored.locator('summary').click();
    await expect.poll(() => errored.locator('.more').textContent()).toContain('connection refused (ECONNREFUSED)');
  });

  test('fetches nothing but the file and logs no error, whatever is clicked', async () => {
    const { page, problems, requests } = await openReport();
    for (const summary of await page.locator('summary').all()) await summary.click();
    await page.locator('.replay-box button').first().click();
    await page.getByLabel('Status', { exact: true }).selectOption('errored');
    await page.getByLabel('Search', { exact: true }).fill('tok');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => countLine(page).textContent()).toBe(`${listed.length} of ${listed.length} rules shown`);
    expect(problems, 'console and page errors').toEqual([]);
    expect(requests, 'requests the page made').toEqual([reportUrl]);
  });

  test('reads whole without JavaScript: every row shown, no dead filters', async () => {
    const { page } = await openReport(false);
    await expect.poll(() => visibleRows(page).count()).toBe(listed.length);
    await expect.poll(() => page.locator('#filters').isVisible()).toBe(false);
    await expect.poll(() => countLine(page).textContent()).toBe(`${listed.length} of ${listed.length} rules shown`);
  });

  test('a full-page screenshot goes with the test output', async ({ annotate }) => {
    const { page } = await openReport();
    for (const id of ['ALG-001', 'RDR-001', 'TOK-001']) await page.locator(`#rule-${id} summary`).click();
    mkdirSync(dirname(screenshotPath), { recursive: true });
    // The header row stays in view down the table.
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await expect.poll(async () => (await page.locator('thead th').first().boundingBox())?.y).toBe(0);
    // From the top, the sticky header sits where it belongs in the full page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: screenshotPath, fullPage: true });
    // The path in the message only: an attachment would be copied into .vitest-attachments/, which git does not ignore.
    await annotate(`screenshot of the fixture's report: ${screenshotPath}`, 'screenshot');
    // The default reporter shows annotations only for failed tests: say it in the output too.
    console.log(`screenshot of the fixture's report: ${screenshotPath}`);
    expect(existsSync(screenshotPath)).toBe(true);
  });
});

describe('the HTML report file', () => {
  test('is written through the redactor', () => {
    const text = readFileSync(reportFile, 'utf8');
    expect(text).not.toContain(clientSecret);
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(hostileBody);
  });

  test('stays well under 1 MB for 170 rules', async ({ annotate }) => {
    const bytes = Buffer.byteLength(renderHtmlReport(buildLargeReport(170)));
    await annotate(`170 rules: ${(bytes / 1024).toFixed(0)} KiB`, 'size');
    expect(bytes).toBeLessThan(512 * 1024);
  });
});
