// The mock's sign-in page in a real headless Chromium, as an app developer meets it: the official SDK builds the
// authorization URL, a person types an email and approves (or denies), the browser lands on the app's callback, and
// the SDK exchanges the code. A missing Chromium fails the file: a skip would let the check rot unseen.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScalekitClient } from '@scalekit-sdk/node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { type ServedMock, serveMock } from '../../src/mock/http-server.js';
import { createMock, type Mock, registerRedirectUris } from '../../src/mock/index.js';
import { launchChromium } from '../support/chromium.js';

const screenshotPath = fileURLToPath(new URL('../../reports/sign-in.png', import.meta.url));
const credentials = { clientId: 'skc_sign_in_app', clientSecret: 'sign-in-secret-123' };

let browser: Browser | undefined;
/** Set when there is no Chromium: every test then fails with it, none is skipped. */
let noBrowser: string | undefined;
let mock: Mock;
let served: ServedMock;
let sdk: ScalekitClient;
/** The app's callback: records each query it gets and answers a plain page. */
let callbackServer: Server;
let redirectUri: string;
const callbackQueries: URLSearchParams[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  callbackServer = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/callback') callbackQueries.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>App</title><p>Back in the app</p>');
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  // The SDK checks token expiry against the wall clock, so the mock runs on the system clock.
  mock = createMock({ clock: systemClock, credentials, seed: 19 });
  served = await serveMock(mock);
  sdk = new ScalekitClient(served.url, credentials.clientId, credentials.clientSecret);
  const launched = await launchChromium();
  if ('missing' in launched) noBrowser = launched.missing;
  else browser = launched.browser;
});

beforeEach(() => {
  mock.state.reset();
  callbackQueries.length = 0;
  // What `mock --redirect-uri` does at start.
  expect(registerRedirectUris(mock.state, 'callback', [redirectUri])).toEqual([]);
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await new Promise((resolve) => callbackServer?.close(resolve));
});

interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  problems: string[];
}

async function openSignIn(url: string, javaScriptEnabled = true): Promise<OpenedPage> {
  if (!browser) throw new Error(noBrowser ?? 'Chromium did not start');
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 900, height: 640 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** Waits until the browser is on the app's callback, and answers the query the callback got. */
async function landOnCallback(page: Page): Promise<URLSearchParams> {
  await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`));
  expect(callbackQueries).toHaveLength(1);
  return callbackQueries[0] ?? new URLSearchParams();
}

describe('the sign-in page in Chromium', () => {
  test('signs in with a typed email: the callback gets a code and the state, and the SDK exchanges it', async () => {
    const url = sdk.getAuthorizationUrl(redirectUri, {
      state: 'csrf-4b1d',
      nonce: 'nonce-4b1d',
      scopes: ['openid', 'profile', 'email'],
    });
    const { page, problems } = await openSignIn(url);
    expect(await page.title()).toBe('Sign in · Scalekit mock');
    expect(await page.locator('main').textContent()).toContain(`to continue to ${credentials.clientId}`);
    expect(await page.locator('main').textContent()).toContain(`You will return to ${redirectUri}`);
    const emailField = page.getByLabel('Email address');
    expect(await emailField.inputValue()).toBe('');
    await emailField.fill('ada@example.com');
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    await page.getByRole('button', { name: 'Approve' }).click();

    const query = await landOnCallback(page);
    expect(query.get('state')).toBe('csrf-4b1d');
    const code = query.get('code') ?? '';
    expect(code).not.toBe('');
    const result = await sdk.authenticateWithCode(code, redirectUri);
    expect(result.user.email).toBe('ada@example.com');
    const claims = await sdk.validateToken<{ email?: string; nonce?: string }>(result.idToken, {
      issuer: served.url,
      audience: [credentials.clientId],
    });
    expect(claims).toMatchObject({ email: 'ada@example.com', nonce: 'nonce-4b1d' });
    expect(problems).toEqual([]);
  });

  test('prefills the email from login_hint, and a pending sign-in works once', async () => {
    const url = sdk.getAuthorizationUrl(redirectUri, { state: 'hinted', loginHint: 'grace@example.com' });
    const { page, problems } = await openSignIn(url);
    expect(await page.getByLabel('Email address').inputValue()).toBe('grace@example.com');
    const pendingId = await page.locator('input[name="authorization"]').inputValue();
    await page.getByRole('button', { name: 'Approve' }).click();
    expect((await landOnCallback(page)).get('state')).toBe('hinted');
    // The same form sent again (a second tab, the back button): nothing is pending any more, and nothing redirects.
    const replay = await fetch(`${served.url}/oauth/authorize/decision`, {
      method: 'POST',
      body: new URLSearchParams({ authorization: pendingId, email: 'grace@example.com', decision: 'approve' }),
      redirect: 'manual',
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(await replay.text()).toContain('expired or was already completed');
    expect(problems).toEqual([]);
  });

  test('Deny lands on the callback with access_denied and the state, without JavaScript', async () => {
    const url = sdk.getAuthorizationUrl(redirectUri, { state: 'no-thanks' });
    const { page, problems } = await openSignIn(url, false);
    await page.getByRole('button', { name: 'Deny' }).click();
    const query = await landOnCallback(page);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe('no-thanks');
    expect(query.get('code')).toBeNull();
    expect(problems).toEqual([]);
  });

  test('keeps a hostile login_hint as text and asks again for an invalid email', async () => {
    const hostile = '"><script>document.title="pwned"</script>';
    const url = sdk.getAuthorizationUrl(redirectUri, { state: 's', loginHint: hostile });
    const { page } = await openSignIn(url);
    expect(await page.getByLabel('Email address').inputValue()).toBe(hostile);
    expect(await page.locator('script').count()).toBe(0);
    // The browser's own check stops a submit of this value: submit it as a form without that check would.
    await page.locator('form').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter a valid email address.');
    expect(await page.title()).toBe('Sign in · Scalekit mock');
    expect(callbackQueries).toHaveLength(0);
  });
});

describe('beyond the sign-in page', () => {
  /** A REST call with a client-credentials token from the SDK (its management clients speak gRPC). */
  async function rest(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await sdk.getClientAccessToken();
    return fetch(`${served.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
    });
  }

  async function createOrganization(): Promise<string> {
    const created = await rest('POST', '/api/v1/organizations', { display_name: 'Acme' });
    expect(created.status).toBe(201);
    return ((await created.json()) as { organization: { id: string } }).organization.id;
  }

  test('the idp-initiated-login hook redirects to the initiate-login URI with a token the SDK verifies', async () => {
    const initiateLoginUri = redirectUri.replace('/callback', '/login/initiate');
    expect(registerRedirectUris(mock.state, 'initiate_login', [initiateLoginUri])).toEqual([]);
    const organizationId = await createOrganization();
    const discovered = (await (await rest('GET', '/_conformance/v1')).json()) as { hooks: string[] };
    expect(discovered.hooks).toContain('idp-initiated-login');

    const response = await rest('POST', '/_conformance/v1/idp-initiated-login', {
      organization_id: organizationId,
      connection_id: 'conn_123',
      login_hint: 'ada@example.com',
      relay_state: 'back-to/dashboard',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(initiateLoginUri);
    const token = location.searchParams.get('idp_initiated_login') ?? '';
    const claims = await sdk.getIdpInitiatedLoginClaims(token);
    expect(claims).toMatchObject({
      organization_id: organizationId,
      connection_id: 'conn_123',
      login_hint: 'ada@example.com',
      relay_state: 'back-to/dashboard',
    });
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    await expect(sdk.getIdpInitiatedLoginClaims(tampered)).rejects.toThrow();
  });

  test('the idp-initiated-login hook refuses a request it cannot redirect', async () => {
    const noTarget = await rest('POST', '/_conformance/v1/idp-initiated-login', { relay_state: 'x' });
    expect(noTarget.status).toBe(400);
    const noUri = await rest('POST', '/_conformance/v1/idp-initiated-login', { connection_id: 'conn_123' });
    expect(noUri.status).toBe(400);
    expect(noUri.headers.get('location')).toBeNull();
    const unknownOrganization = await rest('POST', '/_conformance/v1/idp-initiated-login', {
      organization_id: 'org_missing',
    });
    expect(unknownOrganization.status).toBe(404);
  });

  test('the portal link the API returns leads to a page', async () => {
    const organizationId = await createOrganization();
    const link = await rest('PUT', `/api/v1/organizations/${organizationId}/portal_links?features=sso`);
    expect(link.status).toBe(200);
    const { location } = ((await link.json()) as { link: { location: string } }).link;
    const { page, problems } = await openSignIn(location);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Admin portal');
    expect(await page.locator('body').textContent()).toContain('Features: sso.');
    expect(problems).toEqual([]);
  });
});
