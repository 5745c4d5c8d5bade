import { redirectRegistry } from './control-state.js';
import { signJwt } from './oidc-keys.js';
import type { MockState } from './state.js';
import { httpRequest } from './webhooks/dispatcher.js';

// EPT-012: every registered back-channel logout URL hears of every logout, whoever started it (the user at
// /oidc/logout, an admin revoking sessions through the API). The docs name no format (G-27); the mock sends what
// OIDC Back-Channel Logout 1.0 defines, a form POST of a signed logout_token, of which the suite asserts the POST.

const backChannelEvent = 'http://schemas.openid.net/event/backchannel-logout';
const timeoutMs = 10_000;

export interface EndedSession {
  sessionId: string;
  userId: string;
  /** The clients the session signed in to: the token's audience. */
  clientIds: string[];
}

// Per mock, the notifications not answered yet; kept beside the state, so the reset hook does not lose count of them.
const unanswered = new WeakMap<MockState, number>();

/** Notifies the registered URLs without holding up the logout; a receiver that fails is not retried (G-27). */
export function notifyBackChannelLogout(state: MockState, session: EndedSession, issuer: string): void {
  // A wildcard registration names no one URL to call.
  const urls = redirectRegistry(state).back_channel_logout.filter((uri) => !uri.includes('*'));
  for (const url of urls) {
    unanswered.set(state, (unanswered.get(state) ?? 0) + 1);
    void send(state, url, session, issuer)
      .catch(() => undefined)
      .finally(() => unanswered.set(state, (unanswered.get(state) ?? 1) - 1));
  }
}

/** Whether every back-channel logout sent has been answered (or has failed): what the `idle` hook reports of them. */
export function backChannelLogoutsAnswered(state: MockState): boolean {
  return (unanswered.get(state) ?? 0) === 0;
}

async function send(state: MockState, url: string, session: EndedSession, issuer: string): Promise<void> {
  const now = Math.floor(state.clock.now() / 1000);
  const logoutToken = await signJwt(state, {
    iss: issuer,
    aud: session.clientIds,
    iat: now,
    exp: now + 120,
    jti: state.secret(16),
    sub: session.userId,
    sid: session.sessionId,
    events: { [backChannelEvent]: {} },
  });
  const form = new URLSearchParams({ logout_token: logoutToken }).toString();
  const signal = AbortSignal.timeout(timeoutMs);
  if (state.has('logout.back-channel-get')) {
    // Seeded fault: the token in a GET's query string, which a logout endpoint need not read (EPT-012).
    await httpRequest(`${url}${url.includes('?') ? '&' : '?'}${form}`, { method: 'GET', signal });
    return;
  }
  await httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    signal,
  });
}
