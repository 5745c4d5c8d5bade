// Registration through the `redirects` hook: the validity table (RDR-003..RDR-016), initiate-login URLs (EPT-001),
// templates as registered URIs (RDT-002..RDT-004) and the four separate allowlists (RDR-017). The environment kind
// and the allowlists are environment-wide: every test registers what it needs itself and puts the kind back.
import { describe } from 'vitest';
import { redirectTemplateCases, redirectUriCases } from '../../fixtures/corpora/redirect-uris.js';
import type { Failure } from '../../src/checks/failure.js';
import {
  allowlistHoldsExactly,
  batchWithInvalidUriRefused,
  type RegistrationRule,
  refusedWithoutRedirect,
} from '../../src/checks/redirects.js';
import type { EnvironmentKind, RedirectType } from '../../src/client/control-hooks.js';
import { navigate, oauthClient } from '../../src/harness/browser.js';
import { assertConforms, exchangeOf, type Target, test } from '../../src/harness/index.js';
import { unregisteredRefusal } from './support/flows.js';
import {
  allTypes,
  assertRegistrations,
  type GeneratedCases,
  kinds,
  oracleViolations,
  registrationFailures,
  registrationProperty,
  requireRegistration,
  valid,
  violating,
} from './support/registration.js';

const documented = (source: RegistrationRule) => redirectUriCases.filter((c) => c.source === source);
const isWildcard = (uri: string) => uri.includes('*');
const isCustomScheme = (uri: string) => !/^https?:/i.test(uri);

/** Each family: the documented examples of its rule in both kinds, then generated URIs where the rule applies. */
interface Family {
  name: string;
  tags: [RegistrationRule];
  generated: (target: Target) => [EnvironmentKind, GeneratedCases][];
}

const nonInitiate = allTypes.filter((t) => t !== 'initiate_login');
const wildcardTypes = (target: Target) => target.profile.redirects.wildcardRedirectTypes;
const breaking =
  (rule: RegistrationRule, kindsFor: readonly EnvironmentKind[], types: (t: Target) => readonly RedirectType[]) =>
  (target: Target): [EnvironmentKind, GeneratedCases][] =>
    types(target).length === 0 ? [] : kindsFor.map((kind) => [kind, violating(target, rule, kind, types(target))]);

const families: Family[] = [
  {
    name: 'in development, http (localhost included), https and custom-scheme URIs are accepted for every type',
    tags: ['RDR-003'],
    generated: (target) => [['development', valid(target, 'development', allTypes)]],
  },
  {
    name: 'in production, an http URI is refused, while https and custom-scheme URIs are accepted',
    tags: ['RDR-004'],
    generated: (target) => [
      ['production', violating(target, 'RDR-004', 'production', nonInitiate)],
      ['production', valid(target, 'production', allTypes)],
    ],
  },
  {
    name: 'a localhost URI is accepted in development and refused in production, even over https',
    tags: ['RDR-005'],
    generated: breaking('RDR-005', ['production'], () => nonInitiate),
  },
  {
    name: 'a wildcard URI is refused in production',
    tags: ['RDR-006'],
    generated: breaking('RDR-006', ['production'], () => allTypes),
  },
  {
    name: 'a URI up to the length limit is accepted and a longer one refused, in both environments',
    tags: ['RDR-007'],
    generated: breaking('RDR-007', kinds, () => allTypes),
  },
  {
    name: 'a URI with a query string is refused in both environments',
    tags: ['RDR-008'],
    generated: breaking('RDR-008', kinds, () => allTypes),
  },
  {
    name: 'a URI with a fragment is refused in both environments',
    tags: ['RDR-009'],
    generated: breaking('RDR-009', kinds, () => allTypes),
  },
  {
    name: 'a relative or scheme-less URI is refused in both environments',
    tags: ['RDR-010'],
    generated: breaking('RDR-010', kinds, () => allTypes),
  },
  {
    name: 'custom-scheme deep links are accepted and denied schemes refused, in both environments',
    tags: ['RDR-011'],
    generated: (target) => [
      ['development', valid(target, 'development', allTypes, isCustomScheme)],
      ['production', valid(target, 'production', nonInitiate, isCustomScheme)],
      ...breaking('RDR-011', kinds, () => nonInitiate)(target),
    ],
  },
  {
    name: 'a wildcard as the label right above the top-level domain is refused',
    tags: ['RDR-012'],
    generated: breaking('RDR-012', ['development'], wildcardTypes),
  },
  {
    name: 'a URI with more than one wildcard is refused',
    tags: ['RDR-013'],
    generated: breaking('RDR-013', ['development'], wildcardTypes),
  },
  {
    name: 'a wildcard outside the host name is refused',
    tags: ['RDR-014'],
    generated: breaking('RDR-014', ['development'], wildcardTypes),
  },
  {
    name: 'a wildcard below the outermost subdomain label is refused',
    tags: ['RDR-015'],
    generated: breaking('RDR-015', ['development'], wildcardTypes),
  },
  {
    name: 'every wildcard URI accepted in development is refused in production',
    tags: ['RDR-016'],
    generated: (target) =>
      wildcardTypes(target).length === 0
        ? []
        : [['production', valid(target, 'development', wildcardTypes(target), isWildcard)]],
  },
  {
    name: 'an initiate-login URL must be https and not localhost in production',
    tags: ['EPT-001'],
    generated: (target) => [
      ['production', violating(target, 'EPT-001', 'production', ['initiate_login'])],
      ['production', valid(target, 'production', ['initiate_login'])],
    ],
  },
];

describe('registration through the redirects hook', () => {
  for (const { name, tags, generated } of families) {
    const [rule] = tags;
    test(`${name}: registration agrees with the oracle`, { tags }, async ({ target, skip }) => {
      await requireRegistration(target, skip);
      // The documented examples and the generated cases are both run, whichever fails first, so a report always
      // carries the property's shrunk counterexample with its seed and path when there is one.
      const documentedFailures = await registrationFailures(target, rule, documented(rule));
      let propertyError: unknown;
      for (const [kind, cases] of generated(target)) {
        await registrationProperty(target, rule, kind, cases).catch((error: unknown) => {
          propertyError ??= error;
        });
      }
      assertConforms(...documentedFailures);
      if (propertyError) throw propertyError;
    });
  }

  test('the documented template patterns are accepted as callback URLs in both environments', {
    tags: ['RDT-003'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    await assertRegistrations(
      target,
      'RDT-003',
      redirectTemplateCases.filter((c) => c.source === 'RDT-003'),
    );
  });

  test('templates are accepted as callback, post-logout and initiate-login URLs, and not as back-channel logout URLs', {
    tags: ['RDT-002'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const patterns = redirectTemplateCases.filter((c) => c.source === 'RDT-003' || c.source === 'RDT-002');
    await assertRegistrations(
      target,
      'RDT-002',
      patterns.flatMap((c) => allTypes.map((type) => ({ uri: c.uri, kind: c.kind, type }))),
    );
  });

  test('a template whose placeholder fills only part of a DNS label is refused', {
    tags: ['RDT-004'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const made = [
      'https://{{org_slug}}-app.yourapp.com/callback',
      'https://x{{external_id}}.yourapp.com/callback',
      'https://login.{{org_slug}}app.yourapp.com/callback',
    ].flatMap((uri) => kinds.map((kind) => ({ uri, kind, type: 'callback' as const })));
    await assertRegistrations(target, 'RDT-004', [
      ...redirectTemplateCases.filter((c) => c.source === 'RDT-004'),
      ...made,
    ]);
  });

  test('the four redirect types are separate allowlists: each keeps exactly what was registered for it', {
    tags: ['RDR-017'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const host = `types-${target.runTag}.example.com`;
    const registered = Object.fromEntries(
      allTypes.map((type) => [type, [`https://${host}/${type}/one`, `https://${host}/${type}/two`]]),
    ) as Record<RedirectType, string[]>;
    for (const type of allTypes) await target.hooks.requireRedirects(type, registered[type]);
    const failures: (Failure | undefined)[] = [];
    for (const type of allTypes) {
      const read = await exchangeOf(target, async () => ({ uris: await target.hooks.redirects(type) }));
      failures.push(allowlistHoldsExactly('RDR-017', `${type} allowlist`, registered[type], read.uris, read.exchange));
    }
    assertConforms(...failures);
    // A URI on the post-logout list only is no callback.
    const offending = registered.post_logout[0] ?? '';
    const exchange = await navigate(target, '/oauth/authorize', {
      response_type: 'code',
      client_id: (await oauthClient(target)).id,
      redirect_uri: offending,
      scope: 'openid profile email',
      state: 'types',
    });
    assertConforms(
      refusedWithoutRedirect('RDR-017', exchange, unregisteredRefusal(target, offending, registered.callback)),
    );
  });

  // No rule of the catalogue states the hook's all-or-nothing promise (it is the target contract's, not the docs'):
  // RDR-017 is the closest, as a type's allowlist must hold exactly what was registered for it.
  test('a batch with one refused URI changes nothing: each type keeps exactly what it had', {
    tags: ['RDR-017'],
  }, async ({ target, skip }) => {
    await requireRegistration(target, skip);
    const kind = await target.hooks.environment();
    const host = `batch-${target.runTag}.example.com`;
    const failures: (Failure | undefined)[] = [];
    for (const type of allTypes) {
      const before = await target.hooks.redirects(type);
      try {
        const earlier = [`https://${host}/${type}/one`, `https://${host}/${type}/two`];
        await target.hooks.requireRedirects(type, earlier);
        // New valid URIs around one that a query string makes invalid in every environment (RDR-008).
        const invalid = `https://${host}/${type}/three?next=1`;
        if (oracleViolations(target, { uri: invalid, kind, type }).length === 0) {
          throw new Error(`the oracle accepts ${invalid} as ${type} in ${kind}: pick another invalid URI`);
        }
        const batch = [`https://${host}/${type}/new`, invalid, `https://${host}/${type}/newer`];
        const put = await exchangeOf(target, () => target.hooks.registerRedirects(type, batch));
        const context = [`batch: ${batch.join(' ')}`, `earlier: ${earlier.join(' ')}`];
        failures.push(batchWithInvalidUriRefused('RDR-017', invalid, put, put.exchange, context));
        // An accepted batch has nothing left to compare: the refusal it should have been is the failure.
        if (put.accepted) continue;
        const read = await exchangeOf(target, async () => ({ uris: await target.hooks.redirects(type) }));
        failures.push(
          allowlistHoldsExactly(
            'RDR-017',
            `${type} allowlist after a refused batch`,
            earlier,
            read.uris,
            read.exchange,
            [...context, `refusal: ${JSON.stringify(put.rejected)}`],
          ),
        );
      } finally {
        // The allowlists are environment-wide: the next test finds them as this one did.
        await target.hooks.requireRedirects(type, before);
      }
    }
    assertConforms(...failures);
  });
});
