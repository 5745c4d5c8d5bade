// The organisation fields that organisation-specific redirect templates read, through the REST API: the slug's
// pattern, length and uniqueness, clearing it with "" (RDT-009..RDT-011), and the metadata limits (RDT-012).
// G-28 leaves the refusal status open; 400 and 422 are taken for an invalid value, 400 and 409 for a duplicate.
import fc from 'fast-check';
import { describe } from 'vitest';
import type { Failure } from '../../src/checks/failure.js';
import { checkStatus } from '../../src/checks/http.js';
import { organizationCreated, slugCleared, slugKept } from '../../src/checks/redirects.js';
import type { Exchange } from '../../src/client/transport.js';
import {
  assertConforms,
  assertProperty,
  conformsOrThrow,
  exchangeOf,
  type Target,
  test,
} from '../../src/harness/index.js';

const invalidStatuses = [400, 422];
const duplicateStatuses = [400, 409];

type OrganizationFields = { slug?: string; metadata?: Record<string, string> };

/** Creates organisations for one test and deletes them when it ends. */
async function withOrganizations(target: Target, body: (create: Create) => Promise<void>) {
  const created: string[] = [];
  const create: Create = async (fields) => {
    const result = await exchangeOf(target, () =>
      target.api.POST('/api/v1/organizations', {
        body: { display_name: `Template fields ${target.runTag}`, ...fields },
      }),
    );
    const id = result.data?.organization?.id;
    if (id) created.push(id);
    return { exchange: result.exchange, id, slug: result.data?.organization?.slug };
  };
  try {
    await body(create);
  } finally {
    for (const id of created) await target.api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } });
  }
}

type Create = (fields: OrganizationFields) => Promise<{ exchange: Exchange; id?: string; slug?: string }>;

async function update(target: Target, id: string, fields: OrganizationFields) {
  return exchangeOf(target, () =>
    target.api.PATCH('/api/v1/organizations/{id}', { params: { path: { id } }, body: fields }),
  );
}

async function read(target: Target, id: string) {
  return exchangeOf(target, () => target.api.GET('/api/v1/organizations/{id}', { params: { path: { id } } }));
}

/** Slugs that break the pattern one way each, built around a valid label unique to the run. */
function brokenSlugs(runTag: string): string[] {
  return [
    `Upper-${runTag}`,
    `-${runTag}`,
    `${runTag}-`,
    `${runTag}_x`,
    `${runTag}..example.com`,
    `.${runTag}`,
    `${runTag} x`,
    `${'a'.repeat(64)}.${runTag}`,
    // Every label valid, the whole over 253 characters.
    [runTag, ...'abcd'].map((first) => first.padEnd(63, first.slice(-1))).join('.'),
  ];
}

describe('organisation slugs and metadata for redirect templates', () => {
  test('a slug that is one DNS label or a host name is accepted and kept as given', {
    tags: ['RDT-009'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      for (const slug of [`${target.runTag}`, `auth.${target.runTag}.example.com`, `x-${target.runTag}-1`]) {
        const created = await create({ slug });
        assertConforms(organizationCreated('RDT-009', created.exchange, created.id));
        assertConforms(slugKept('RDT-009', slug, created.slug, created.exchange));
      }
    });
  });

  test('a slug outside the lowercase DNS pattern or over 253 characters is refused and creates nothing', {
    tags: ['RDT-009'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const failures: Failure[] = [];
      for (const slug of [...brokenSlugs(target.runTag), '']) {
        const found = checkStatus('RDT-009', (await create({ slug })).exchange, invalidStatuses);
        if (found) failures.push({ ...found, details: [`slug: ${JSON.stringify(slug)}`, ...(found.details ?? [])] });
      }
      assertConforms(...failures);
    });
  });

  test('generated slugs with one character outside the pattern are refused', { tags: ['RDT-009'] }, async ({
    target,
  }) => {
    const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    const outside = fc.constantFrom('A', 'Z', '_', ' ', '!', '/', ':', '*', 'é', '+');
    await withOrganizations(target, async (create) => {
      await assertProperty(
        fc.asyncProperty(label, outside, fc.nat({ max: 10 }), async (piece, bad, at) => {
          const base = `${target.runTag}${piece}`;
          const slug = `${base.slice(0, at)}${bad}${base.slice(at)}`;
          conformsOrThrow(checkStatus('RDT-009', (await create({ slug })).exchange, invalidStatuses));
        }),
        { numRuns: 10 },
      );
    });
  });

  test('updating with slug "" clears the slug', { tags: ['RDT-010'] }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const created = await create({ slug: `clear-${target.runTag}` });
      assertConforms(organizationCreated('RDT-010', created.exchange, created.id));
      const id = created.id ?? '';
      const cleared = await update(target, id, { slug: '' });
      assertConforms(checkStatus('RDT-010', cleared.exchange, 200));
      const after = await read(target, id);
      assertConforms(checkStatus('RDT-010', after.exchange, 200));
      const shown = [cleared.data?.organization?.slug, after.data?.organization?.slug];
      assertConforms(slugCleared('RDT-010', shown, after.exchange));
    });
  });

  test('updating with any other slug outside the pattern is refused and keeps the slug', {
    tags: ['RDT-010'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const slug = `keep-${target.runTag}`;
      const created = await create({ slug });
      assertConforms(organizationCreated('RDT-010', created.exchange, created.id));
      const id = created.id ?? '';
      for (const broken of [`Keep-${target.runTag}`, ' ', '-']) {
        assertConforms(checkStatus('RDT-010', (await update(target, id, { slug: broken })).exchange, invalidStatuses));
      }
      const after = await read(target, id);
      assertConforms(slugKept('RDT-010', slug, after.data?.organization?.slug, after.exchange));
    });
  });

  test('a second organisation with a slug already in use is refused, on create and on update', {
    tags: ['RDT-011'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const slug = `taken-${target.runTag}`;
      const first = await create({ slug });
      assertConforms(organizationCreated('RDT-011', first.exchange, first.id));
      assertConforms(checkStatus('RDT-011', (await create({ slug })).exchange, duplicateStatuses));
      const other = await create({ slug: `other-${target.runTag}` });
      assertConforms(organizationCreated('RDT-011', other.exchange, other.id));
      assertConforms(
        checkStatus('RDT-011', (await update(target, other.id ?? '', { slug })).exchange, duplicateStatuses),
      );
    });
  });

  test('metadata keys of 3-25 characters, values of 1-256 characters and up to 10 pairs are accepted', {
    tags: ['RDT-012'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const created = await create({});
      assertConforms(organizationCreated('RDT-012', created.exchange, created.id));
      const id = created.id ?? '';
      const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, `value ${i}`]));
      for (const metadata of [{ abc: 'v' }, { ['k'.repeat(25)]: 'v'.repeat(256) }, ten]) {
        const updated = await update(target, id, { metadata });
        assertConforms(checkStatus('RDT-012', updated.exchange, 200));
      }
    });
  });

  test('metadata with a key outside 3-25 characters, a value outside 1-256 characters or 11 pairs is refused', {
    tags: ['RDT-012'],
  }, async ({ target }) => {
    await withOrganizations(target, async (create) => {
      const created = await create({});
      assertConforms(organizationCreated('RDT-012', created.exchange, created.id));
      const id = created.id ?? '';
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v']));
      const failures: Failure[] = [];
      for (const metadata of [{ ab: 'v' }, { ['k'.repeat(26)]: 'v' }, { abc: '' }, { abc: 'v'.repeat(257) }, eleven]) {
        const found = checkStatus('RDT-012', (await update(target, id, { metadata })).exchange, invalidStatuses);
        if (found) failures.push(found);
      }
      assertConforms(...failures);
    });
  });
});
