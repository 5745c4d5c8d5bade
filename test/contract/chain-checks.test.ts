import { describe, expect, it } from 'vitest';
import {
  createdWithId,
  deletedNotReadable,
  type ExpectedListing,
  listAgreesWithModel,
  showsWhatWasWritten,
  valueAt,
  writeAccepted,
} from '../../src/contract/chain-checks.js';
import { recorded } from '../support/exchanges.js';

// The stateful chains' verdicts (OAS-018, OAS-019) on recorded answers: what src/contract/stateful.ts reads, judged.

const ok = recorded(200, { body: { organization: { id: 'org_1' } } });
const page = recorded(200, { body: { organizations: [] } });
const listed = (name: string, shownOn = page): ExpectedListing => ({ name, field: 'id', id: 'org_1', shownOn });
const unlisted = (name: string): ExpectedListing => ({ name, field: 'id', id: 'org_2', shownOn: undefined });

describe('what a write answered', () => {
  it('passes a 2xx create with an id and a 2xx update or delete; fails the rest', () => {
    expect(createdWithId('OAS-019', recorded(201, { body: {} }), 'org_1', 'organization.id')).toBeUndefined();
    expect(createdWithId('OAS-019', recorded(201, { body: {} }), undefined, 'organization.id')?.expected).toBe(
      'a 2xx answer carrying organization.id',
    );
    expect(createdWithId('OAS-019', recorded(400, { body: {} }), 'org_1', 'organization.id')?.title).toBe('create');
    expect(writeAccepted('OAS-018', 'delete', 'DELETE /x', recorded(204))).toBeUndefined();
    expect(writeAccepted('OAS-018', 'delete', 'DELETE /x', recorded(500, { body: 'boom' }))).toMatchObject({
      rule: 'OAS-018',
      title: 'delete',
      received: '500 boom',
    });
  });
});

describe('what get shows afterwards', () => {
  it('passes a resource showing every value written, and fails one missing or showing another value', () => {
    const resource = { name: 'organization #1', written: { 'settings.name': 'acme' } };
    const found = { id: 'org_1', settings: { name: 'acme' } };
    expect(valueAt(found, 'settings.name')).toBe('acme');
    expect(showsWhatWasWritten('OAS-019', { exchange: ok, found }, resource, 'GET /o/{id}')).toEqual([]);
    const stale = { id: 'org_1', settings: { name: 'old' } };
    expect(
      showsWhatWasWritten('OAS-019', { exchange: ok, found: stale }, resource, 'GET /o/{id}').map((f) => [
        f.title,
        f.received,
      ]),
    ).toEqual([['written value visible', '"old"']]);
    const absent = showsWhatWasWritten('OAS-019', { exchange: recorded(404), found: undefined }, resource, 'GET');
    expect(absent.map((f) => f.title)).toEqual(['resource readable']);
  });

  it('passes a deleted resource answered 404 (or absent from its parent), and fails one still readable', () => {
    const own = { name: 'organization #1', hasOwnGet: true };
    expect(deletedNotReadable('OAS-018', { exchange: recorded(404), found: undefined }, own)).toBeUndefined();
    expect(deletedNotReadable('OAS-018', { exchange: ok, found: {} }, own)?.expected).toBe(
      '404 from get after the delete',
    );
    const viaParent = { name: 'domain #2', hasOwnGet: false };
    expect(deletedNotReadable('OAS-018', { exchange: ok, found: undefined }, viaParent)).toBeUndefined();
    expect(deletedNotReadable('OAS-018', { exchange: ok, found: {} }, viaParent)?.expected).toBe(
      '200 without domain #2 from get after the delete',
    );
  });
});

describe('what the list shows afterwards', () => {
  const list = { where: 'GET /o', items: 3, complete: true, failed: false, last: page };

  it('passes a list with every live resource and no deleted one', () => {
    expect(listAgreesWithModel(list, [listed('organization #1')], [unlisted('organization #2')])).toEqual([]);
    expect(listAgreesWithModel({ ...list, failed: true }, [], [])).toEqual([]);
  });

  it('fails a live resource missing from a complete walk and a deleted one still listed, each under its rule', () => {
    const failures = listAgreesWithModel(list, [unlisted('organization #2')], [listed('organization #1')]);
    expect(failures.map((f) => [f.rule, f.title])).toEqual([
      ['OAS-019', 'created resource listed'],
      ['OAS-018', 'deleted resource listed'],
    ]);
    // A walk cut short by its bound cannot say a live resource is missing.
    expect(listAgreesWithModel({ ...list, complete: false }, [unlisted('organization #2')], [])).toEqual([]);
  });

  it('fails a list that did not answer under the first rule the model expected anything of', () => {
    const failed = { ...list, failed: true, last: recorded(500) };
    expect(listAgreesWithModel(failed, [listed('organization #1')], []).map((f) => f.rule)).toEqual(['OAS-019']);
    expect(listAgreesWithModel(failed, [], [listed('organization #1')]).map((f) => f.rule)).toEqual(['OAS-018']);
  });
});
