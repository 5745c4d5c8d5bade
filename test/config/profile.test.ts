import { describe, expect, it } from 'vitest';
import { defaultProfile, mergeProfile, settingNames } from '../../src/config/profile.js';
import { gaps } from '../../src/rules/findings.js';

describe('the profile', () => {
  it('names a setting for every gap of the areas it covers, so no open point is decided silently', () => {
    const covered = new Set(Object.keys(defaultProfile));
    const named = new Set(settingNames());
    const missing = gaps
      .flatMap((gap) => gap.settings.map((setting) => ({ gap: gap.id, setting })))
      .filter(({ setting }) => covered.has(setting.split('.')[0] ?? '') && !named.has(setting));
    expect(missing).toEqual([]);
  });

  it('overrides single settings from the config file and keeps the rest', () => {
    const { profile, problems } = mergeProfile({ redirects: { lengthLimitInclusive: false } });
    expect(problems).toEqual([]);
    expect(profile.redirects.lengthLimitInclusive).toBe(false);
    expect(profile.redirects.lengthLimit).toBe(256);
    expect(defaultProfile.redirects.lengthLimitInclusive).toBe(true);
  });

  it('rejects unknown sections, unknown settings and values of the wrong type', () => {
    const { problems } = mergeProfile({
      redirect: {},
      redirects: { lenghtLimit: 3, lengthLimit: '256', localhostHosts: 'localhost' },
    });
    expect(problems).toEqual([
      'unknown profile section "redirect"',
      'unknown profile setting "redirects.lenghtLimit"',
      'profile setting "redirects.lengthLimit" must be number',
      'profile setting "redirects.localhostHosts" must be an array',
    ]);
  });
});
