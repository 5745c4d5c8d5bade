// The environment-wide settings a run changes through the control hooks (environment kind, redirect allowlists,
// passwordless settings, email templates, the webhook endpoint, the interceptors): read before the suites start and put back after
// they end, so a shared staging target is left configured as its owners had it. The clock only moves forward: how
// far the run moved it is measured and said instead.
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import {
  type EmailTemplateName,
  type EmailTemplateSource,
  type EnvironmentKind,
  emailTemplateNames,
  type InterceptorRegistration,
  type InterceptorTrigger,
  interceptorTriggers,
  type PasswordlessSettings,
  type RedirectType,
  redirectTypes,
  type WebhookEndpoint,
} from '../protocol/control-hooks.js';
import type { ControlHooks } from './control-hooks.js';
import { TransportError } from './transport.js';

/** What the hooks showed before the run; a field is absent when the target does not offer it (or could not say). */
export interface HookStateSnapshot {
  environment?: EnvironmentKind;
  redirects: Partial<Record<RedirectType, string[]>>;
  passwordless?: PasswordlessSettings;
  /** null: the built-in default template. */
  emailTemplates: Partial<Record<EmailTemplateName, EmailTemplateSource | null>>;
  /** null: no endpoint registered. */
  webhookEndpoint?: WebhookEndpoint | null;
  /** Per trigger; null: none registered. */
  interceptors: Partial<Record<InterceptorTrigger, InterceptorRegistration | null>>;
  /** The target's clock and ours, read together: the run's own advances are the difference of the differences. */
  clock?: { target: number; local: number };
  /** Settings a test may change that could not be read, so cannot be put back; said in the report. */
  unreadable: { setting: string; reason: string }[];
}

/** What the report says about the target's settings after the run. */
export interface HookStateOutcome {
  /** Settings that differed at the end and were put back as the run found them. */
  restored: string[];
  /** Settings the run may have changed that could not be put back, and why. */
  notRestored: { setting: string; reason: string }[];
  /** How far the target's clock is ahead of where it would be without the run (the clock hook cannot go back). */
  clock?: { movedMs: number; now: string };
}

/** Below this, a clock difference is the time the two reads took, not an advance. */
const clockNoiseMs = 2_000;

async function attempt<T>(
  setting: string,
  read: () => Promise<T>,
  unreadable: HookStateSnapshot['unreadable'],
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    unreadable.push({ setting, reason: `could not be read before the run: ${describeError(error)}` });
    return undefined;
  }
}

/** Reads every setting the advertised hooks can show; never throws (what cannot be read is listed). */
export async function snapshotHookState(hooks: ControlHooks, clock: Clock): Promise<HookStateSnapshot> {
  const snapshot: HookStateSnapshot = { redirects: {}, emailTemplates: {}, interceptors: {}, unreadable: [] };
  const { unreadable } = snapshot;
  const advertised = await attempt('the control hooks', () => hooks.advertised(), unreadable);
  if (!advertised) return snapshot;
  if (advertised.has('environment')) {
    const kind = await attempt('environment kind', () => hooks.environment(), unreadable);
    if (kind) snapshot.environment = kind;
  }
  if (advertised.has('redirects')) {
    for (const type of redirectTypes) {
      const uris = await attempt(`${type} redirect URIs`, () => hooks.redirects(type), unreadable);
      if (uris) snapshot.redirects[type] = uris;
    }
  }
  if (advertised.has('passwordless')) {
    const settings = await attempt('passwordless settings', () => hooks.passwordlessSettings(), unreadable);
    if (settings) snapshot.passwordless = settings;
  }
  if (advertised.has('email')) {
    for (const name of emailTemplateNames) {
      const template = await attempt(`${name} email template`, () => hooks.emailTemplate(name), unreadable);
      if (template !== undefined) snapshot.emailTemplates[name] = template;
      else if (!unreadable.some((u) => u.setting === `${name} email template`)) {
        unreadable.push({
          setting: `${name} email template`,
          reason: 'the target offers no GET /_conformance/v1/email/templates/{name}; the tests put the default back',
        });
      }
    }
  }
  if (advertised.has('webhooks')) {
    const endpoint = await attempt('webhook endpoint', () => hooks.webhookEndpoint(), unreadable);
    if (endpoint !== undefined) snapshot.webhookEndpoint = endpoint;
    else if (!unreadable.some((u) => u.setting === 'webhook endpoint')) {
      unreadable.push({
        setting: 'webhook endpoint',
        reason: "the target offers no GET /_conformance/v1/webhooks/endpoint; the suite's receiver may stay registered",
      });
    }
  }
  if (advertised.has('interceptors')) {
    for (const trigger of interceptorTriggers) {
      const setting = `${trigger} interceptor`;
      const registration = await attempt(setting, () => hooks.interceptor(trigger), unreadable);
      if (registration !== undefined) snapshot.interceptors[trigger] = registration;
      else if (!unreadable.some((u) => u.setting === setting)) {
        unreadable.push({
          setting,
          reason: 'the target offers no GET /_conformance/v1/interceptors/{trigger}; the tests remove theirs after use',
        });
      }
    }
  }
  if (advertised.has('clock')) {
    const target = await attempt("the target's clock", () => hooks.now(), unreadable);
    if (target !== undefined) snapshot.clock = { target, local: clock.now() };
  }
  return snapshot;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Puts back every setting that differs from the snapshot, the environment kind first (the redirect rules depend on
 * it), and measures the clock. Never throws: what fails is listed as not put back.
 */
export async function restoreHookState(
  hooks: ControlHooks,
  snapshot: HookStateSnapshot,
  clock: Clock,
): Promise<HookStateOutcome> {
  const outcome: HookStateOutcome = { restored: [], notRestored: [...snapshot.unreadable] };
  // Once a request goes unanswered the target is taken as gone: a timeout per setting would only delay the exit.
  let unanswered: string | undefined;
  const putBack = async (setting: string, step: () => Promise<boolean>) => {
    if (unanswered) {
      outcome.notRestored.push({ setting, reason: `not tried: ${unanswered}` });
      return;
    }
    try {
      if (await step()) outcome.restored.push(setting);
    } catch (error) {
      if (error instanceof TransportError) unanswered = `the target did not answer (${error.reason})`;
      outcome.notRestored.push({ setting, reason: describeError(error) });
    }
  };

  const kind = snapshot.environment;
  if (kind) {
    await putBack('environment kind', async () => {
      if ((await hooks.environment()) === kind) return false;
      await hooks.setEnvironment(kind);
      return true;
    });
  }
  for (const [type, uris] of Object.entries(snapshot.redirects) as [RedirectType, string[]][]) {
    await putBack(`${type} redirect URIs`, async () => {
      if (sameJson(await hooks.redirects(type), uris)) return false;
      await hooks.requireRedirects(type, uris);
      return true;
    });
  }
  const passwordless = snapshot.passwordless;
  if (passwordless) {
    await putBack('passwordless settings', async () => {
      if (sameJson(await hooks.passwordlessSettings(), passwordless)) return false;
      await hooks.setPasswordlessSettings(passwordless);
      return true;
    });
  }
  for (const [name, template] of Object.entries(snapshot.emailTemplates) as [
    EmailTemplateName,
    EmailTemplateSource | null,
  ][]) {
    await putBack(`${name} email template`, async () => {
      if (sameJson(await hooks.emailTemplate(name), template)) return false;
      if (template) await hooks.setEmailTemplate(name, template);
      else await hooks.restoreEmailTemplate(name);
      return true;
    });
  }
  const endpoint = snapshot.webhookEndpoint;
  if (endpoint !== undefined) {
    await putBack('webhook endpoint', async () => {
      if (sameJson(await hooks.webhookEndpoint(), endpoint)) return false;
      if (endpoint) await hooks.setWebhookEndpoint(endpoint);
      else if (!(await hooks.removeWebhookEndpoint())) throw new Error('the target offers no DELETE for it');
      return true;
    });
  }
  for (const [trigger, registration] of Object.entries(snapshot.interceptors) as [
    InterceptorTrigger,
    InterceptorRegistration | null,
  ][]) {
    await putBack(`${trigger} interceptor`, async () => {
      if (sameJson(await hooks.interceptor(trigger), registration)) return false;
      if (registration) await hooks.setInterceptor(trigger, registration);
      else await hooks.removeInterceptor(trigger);
      return true;
    });
  }
  if (snapshot.clock && !unanswered) {
    try {
      const now = await hooks.now();
      const movedMs = now - snapshot.clock.target - (clock.now() - snapshot.clock.local);
      if (movedMs > clockNoiseMs) outcome.clock = { movedMs, now: new Date(now).toISOString() };
    } catch (error) {
      outcome.notRestored.push({ setting: "the target's clock", reason: `could not be read: ${describeError(error)}` });
    }
  }
  return outcome;
}

/** "1 d 2 h 3 min", to the minute (seconds under one); how far the clock moved, in a line a person reads. */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
  ];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(' ') : `${Math.round(ms / 1000)} s`;
}

/** The lines the console prints about the target's settings after a run; empty when there is nothing to say. */
export function describeHookStateOutcome(outcome: HookStateOutcome): string[] {
  const lines: string[] = [];
  if (outcome.restored.length > 0) lines.push(`target settings put back as found: ${outcome.restored.join(', ')}`);
  for (const { setting, reason } of outcome.notRestored)
    lines.push(`target setting not put back: ${setting}: ${reason}`);
  if (outcome.clock) {
    lines.push(
      `target clock: the run moved it ${describeDuration(outcome.clock.movedMs)} ahead (now ${outcome.clock.now}); the clock hook cannot move it back`,
    );
  }
  return lines;
}
