import { describe, expect, it } from 'vitest';
import { specChange } from '../../src/drift/change-kinds.js';
import { groupChanges, groupServerDrift } from '../../src/drift/report.js';
import {
  changePhrase,
  changesByEndpoint,
  collapseServerDrift,
  groupSentence,
  placeOf,
  plainPhrase,
  specPlace,
} from '../../src/drift/views.js';
import { undeclared401 } from '../support/drift-findings.js';

// The reviewer's words for a change, where it belongs, and the collapsing of a run's repeated findings.

const said = (kind: Parameters<typeof specChange>[0], from?: unknown, to?: unknown) =>
  plainPhrase(changePhrase({ kind, from, to }));

describe('changePhrase', () => {
  it('says what happened to limits, enums, formats and types in plain words', () => {
    expect(said('SD-218', { minLength: 1 }, { minLength: null })).toBe('minLength 1 removed');
    expect(said('SD-117', { maxLength: null }, { maxLength: 32 })).toBe('maxLength 32 added');
    expect(said('SD-117', { maximum: 100 }, { maximum: 50 })).toBe('maximum from 100 to 50');
    expect(said('SD-209', undefined, ['A', 'B'])).toBe('enum values added: `A`, `B`');
    expect(said('SD-110', ['OLD'])).toBe('enum value removed: `OLD`');
    expect(said('SD-111', undefined, 'date-time')).toBe('format `date-time` added');
    expect(said('SD-206', 'string', 'integer')).toBe('type from `string` to `integer`');
    expect(said('SD-119', { oneOf: 2 }, { oneOf: 3 })).toBe('oneOf from 2 to 3 members');
    expect(said('SD-001', 'deleteRole')).toBe('operation removed (`deleteRole`)');
    expect(said('SD-041', 'anonymous')).toBe('requirement `anonymous` removed');
    expect(said('SD-042', { type: 'oauth2', flows: {} }, { type: 'oauth2', flows: { x: 1 } })).toBe('changed: `flows`');
  });

  it('lists at most ten values', () => {
    const values = Array.from({ length: 12 }, (_, index) => `V${index}`);
    expect(said('SD-209', undefined, values)).toMatch(/`V9` and 2 more$/);
  });
});

describe('places', () => {
  it('splits a location into its endpoint and what changed inside it', () => {
    expect(placeOf('GET /api/v1/users/{id} response 200 .user.email')).toEqual({
      endpoint: 'GET /api/v1/users/{id}',
      subject: 'response 200 .user.email',
    });
    expect(placeOf('webhook user.login payload .id')).toEqual({
      endpoint: 'webhook user.login',
      subject: 'payload .id',
    });
    expect(placeOf('component schema Widget')).toEqual({ endpoint: 'component schemas', subject: 'Widget' });
    expect(placeOf('DELETE /api/v1/roles/{name}')).toEqual({ endpoint: 'DELETE /api/v1/roles/{name}', subject: '' });
  });

  it('reads JSON pointers without their escapes', () => {
    expect(specPlace('/paths/~1api~1v1~1users~1{id}/get')).toBe('GET /api/v1/users/{id}');
    expect(specPlace('/components/schemas/User/properties/tags/items/properties/name/maxLength')).toBe(
      'schema User.tags[].name',
    );
    expect(specPlace('/webhooks/user.login/post/requestBody')).toBe('webhook user.login');
    expect(specPlace('/components/securitySchemes/a~1b')).toBe('/components/securitySchemes/a/b');
  });

  it('names each change once: a component schema is not repeated three times', () => {
    const [added] = groupChanges([
      specChange('SD-060', {
        location: 'component schema Widget',
        pointer: '/components/schemas/Widget',
        to: 'Widget',
      }),
    ]);
    if (!added) throw new Error('no group');
    expect(plainPhrase(groupSentence(added))).toBe('Widget added');
    const [removed] = groupChanges([
      specChange('SD-203', {
        location: 'GET /a response 200 .kind',
        pointer: '/components/schemas/Thing',
        fromPointer: '/components/schemas/Thing/properties/kind',
      }),
      specChange('SD-203', {
        location: 'GET /b response 200 .kind',
        pointer: '/components/schemas/Thing',
        fromPointer: '/components/schemas/Thing/properties/kind',
      }),
    ]);
    if (!removed) throw new Error('no group');
    // A removal is named by where it was, not by the schema that remains.
    expect(plainPhrase(groupSentence(removed))).toBe('schema Thing.kind removed');
  });
});

describe('changesByEndpoint', () => {
  const enumAdded = (location: string) =>
    specChange('SD-209', { location, pointer: '/components/schemas/Kind/enum', to: ['NEW'] });
  const limit = (location: string) =>
    specChange('SD-218', { location, pointer: '/x', from: { maxLength: 5 }, to: { maxLength: null } });

  it('puts a shared change under each endpoint, the endpoints with breaking changes first', () => {
    const groups = groupChanges([
      limit('GET /a response 200 .name'),
      enumAdded('GET /b response 200 .kind'),
      enumAdded('POST /a response 201 .kind'),
      specChange('SD-002', { location: 'GET /c', pointer: '/paths/~1c/get', to: 'getC' }),
    ]);
    const view = changesByEndpoint(groups);
    expect(view.map((entry) => [entry.endpoint, entry.severity])).toEqual([
      ['POST /a', 0],
      ['GET /b', 0],
      ['GET /a', 1],
      ['GET /c', 2],
    ]);
    expect(view[0]?.changes[0]).toMatchObject({ subject: 'response 201 .kind' });
  });

  it('makes one line of a change met under several statuses of one operation', () => {
    const groups = groupChanges([limit('GET /a response 400 .message'), limit('GET /a response 404 .message')]);
    expect(changesByEndpoint(groups)[0]?.changes.map((change) => change.subject)).toEqual([
      'responses 400, 404 .message',
    ]);
  });

  it('ranks accepted changes below unaccepted ones', () => {
    const [accepted, open] = groupChanges([
      enumAdded('GET /a response 200 .kind'),
      specChange('SD-209', { location: 'GET /b response 200 .x', pointer: '/other', to: ['X'] }),
    ]);
    if (!accepted || !open) throw new Error('no groups');
    const groups = [{ ...accepted, accepted: { reason: 'shipped' } }, open];
    expect(changesByEndpoint(groups).map((entry) => [entry.endpoint, entry.severity])).toEqual([
      ['GET /b', 0],
      ['GET /a', 3],
    ]);
  });
});

describe('collapseServerDrift', () => {
  it('makes one entry of the same finding on many operations, every rule named, new ones first', () => {
    const findings = [
      ...Array.from({ length: 92 }, (_, index) => undeclared401(`GET /r${index}`)),
      undeclared401('GET /r0', { rule: 'OAS-013' }),
      undeclared401('GET /new', { status: 409, detail: 'the target answered 409', new: true }),
    ];
    const collapsed = collapseServerDrift(groupServerDrift(findings));
    expect(collapsed.map((entry) => [entry.status, entry.rules, entry.operations.length, entry.new])).toEqual([
      [409, ['OAS-010'], 1, true],
      [401, ['OAS-010'], 91, undefined],
      [401, ['OAS-010', 'OAS-013'], 1, undefined],
    ]);
  });

  it('keeps accepted findings apart and last', () => {
    const accepted = { reason: 'known gap' };
    const collapsed = collapseServerDrift(
      groupServerDrift([undeclared401('GET /a', { accepted }), undeclared401('GET /b')]),
    );
    expect(collapsed.map((entry) => [entry.operations, entry.accepted])).toEqual([
      [['GET /b'], undefined],
      [['GET /a'], accepted],
    ]);
  });
});
