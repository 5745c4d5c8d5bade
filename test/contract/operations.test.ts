import { describe, expect, it } from 'vitest';
import { pageSizeBounds } from '../../src/contract/operations.js';

const integer = { type: 'integer' };

describe('documented page sizes (OAS-003)', () => {
  // The spec's own wordings: the schema's minimum/maximum win, else the description is read.
  it.each([
    [{ ...integer, minimum: 1, maximum: 30 }, 'Value must be between 5 and 9.', { min: 1, max: 30 }],
    [integer, 'Must be between 10 and 100', { min: 10, max: 100 }],
    [integer, 'Valid range: 1-100. Server may return fewer users than specified.', { min: 1, max: 100 }],
    [integer, 'Maximum value is 30. If not specified, defaults to 10', { min: 1, max: 30 }],
    [integer, 'Number of configs to return per page (max 30)', { min: 1, max: 30 }],
    [integer, 'Default is 30, maximum is 100.', { min: 1, max: 100 }],
    // 0 reads as "the default": the smallest page size checked is 1.
    [integer, 'Must be between 0 and 100. Default is typically 10.', { min: 1, max: 100 }],
    [integer, 'If omitted, the server applies a default page size.', undefined],
  ])('%o with "%s" gives %o', (schema, description, bounds) => {
    expect(pageSizeBounds({ schema, description })).toEqual(bounds);
  });
});
