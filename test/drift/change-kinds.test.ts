import { describe, expect, it } from 'vitest';
import { type ChangeKindId, changeKinds } from '../../src/drift/change-kinds.js';

// The change-kind table as data: each row names its nearest oasdiff check, or says why oasdiff has none.

const kinds = Object.entries(changeKinds) as [ChangeKindId, (typeof changeKinds)[ChangeKindId]][];

describe('the change kinds and oasdiff', () => {
  it.each(kinds)('%s names its nearest oasdiff check ID, or null with a reason', (_id, kind) => {
    if (kind.oasdiff === null) {
      expect('noOasdiffCheck' in kind && kind.noOasdiffCheck).toMatch(/\boasdiff\b.{10,}/);
    } else {
      // oasdiff's IDs are lower-case words joined by hyphens: `request-parameter-became-required`.
      expect(kind.oasdiff).toMatch(/^[a-z]+(-[a-z]+)+$/);
      expect('noOasdiffCheck' in kind).toBe(false);
    }
  });

  it('names a request check for a request schema kind (SD-1xx) and a response check for a response one (SD-2xx)', () => {
    for (const [id, kind] of kinds) {
      if (kind.oasdiff === null) continue;
      if (id.startsWith('SD-1')) expect(kind.oasdiff, id).toMatch(/\brequest\b/);
      if (id.startsWith('SD-2')) expect(kind.oasdiff, id).toMatch(/\bresponse\b/);
    }
  });

  it('leaves few kinds without an oasdiff check', () => {
    const without = kinds.filter(([, kind]) => kind.oasdiff === null).map(([id]) => id);
    expect(without).toEqual(['SD-060', 'SD-121', 'SD-217', 'SD-220', 'SD-221']);
  });
});
