import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import {
  CONTACT_FIELDS,
  campaignAudience,
  checkSegment,
  describeCatalogue,
  parseSegment,
  segmentIssues,
  validateSegment,
  type FieldCatalogue,
} from './segment-rules.ts';

const issues = (input: unknown, opts = {}) => segmentIssues(input, opts);

describe('valid trees', () => {
  it('accepts the seed 002 example: dealers with more than 100 MT of lifting', () => {
    const rule = { all: [{ field: 'attributes.dealer', op: '=', value: true }, { field: 'attributes.lifting_mt', op: '>', value: 100 }] };
    expect(validateSegment(rule)).toBe(rule);
    expect(parseSegment(rule)).toEqual({
      kind: 'all',
      rules: [
        { kind: 'condition', target: { kind: 'attribute', name: 'attributes.dealer', key: 'dealer', label: 'dealer' }, op: '=', type: 'boolean', value: true },
        { kind: 'condition', target: { kind: 'attribute', name: 'attributes.lifting_mt', key: 'lifting_mt', label: 'lifting_mt' }, op: '>', type: 'number', value: 100 },
      ],
    });
  });

  it('accepts region, tier and behaviour filters (seed 001) with nested groups', () => {
    const rule = {
      all: [
        { field: 'region', op: 'in', value: ['East', 'Central'] },
        { any: [{ field: 'attributes.tier', op: '=', value: 'gold' }, { field: 'attributes.orders_12m', op: '>=', value: 3 }] },
        { field: 'attributes.last_purchase_at', op: 'within_last', value: 90 },
        { not: { field: 'unsubscribed', op: '=', value: true } },
        { field: 'email', op: 'exists' },
      ],
    };
    expect(issues(rule)).toEqual([]);
  });

  it('normalises dates to UTC ISO strings and defaults exists to true', () => {
    const r = parseSegment({ all: [
      { field: 'created_at', op: 'between', value: ['2025-01-01', '2025-03-31T23:59:59+02:00'] },
      { field: 'phone', op: 'exists' },
    ] });
    expect(r).toMatchObject({ rules: [{ value: ['2025-01-01T00:00:00.000Z', '2025-03-31T21:59:59.000Z'] }, { value: true }] });
  });

  it('types attributes by operator and value', () => {
    const typeOf = (c: object) => (parseSegment(c) as { type: string }).type;
    expect(typeOf({ field: 'attributes.tier', op: '=', value: 'gold' })).toBe('string');
    expect(typeOf({ field: 'attributes.tier', op: 'in', value: [1, 2] })).toBe('number');
    expect(typeOf({ field: 'attributes.seen_at', op: 'between', value: ['2025-01-01', '2025-02-01'] })).toBe('date');
    expect(typeOf({ field: 'attributes.score', op: 'between', value: [1, 2] })).toBe('number');
  });
});

describe('errors name the node', () => {
  it('reports unknown field, unknown operator and wrong value type with their paths', () => {
    expect(
      issues({
        all: [
          { field: 'region', op: '=', value: 'East' },
          { field: 'shoe_size', op: '=', value: 42 },
          { field: 'region', op: 'like', value: 'E%' },
          { field: 'attributes.lifting_mt', op: '>', value: '100' },
        ],
      }),
    ).toEqual([
      { field: 'rules.all[1].field', message: `unknown field "shoe_size"; use one of ${Object.keys(CONTACT_FIELDS).join(', ')} or attributes.<name>` },
      { field: 'rules.all[2].op', message: 'unknown operator "like"; use one of =, !=, >, >=, <, <=, in, not_in, contains, starts_with, exists, between, before, after, within_last' },
      { field: 'rules.all[3].value', message: 'must be a number' },
    ]);
  });

  it('refuses an operator that does not fit the field type', () => {
    expect(issues({ any: [{ field: 'created_at', op: '>', value: 3 }] })).toEqual([
      { field: 'rules.any[0].op', message: '> does not apply to created_at (a date field); use one of before, after, between, within_last, exists' },
    ]);
    expect(issues({ field: 'unsubscribed', op: 'exists' })).toEqual([
      { field: 'rules.op', message: 'exists does not apply to unsubscribed (a boolean field); use one of =, !=' },
    ]);
  });

  it('checks each value against the field type, down to list items', () => {
    expect(issues({ all: [
      { field: 'region', op: 'in', value: ['East', 3] },
      { field: 'region', op: 'in', value: [] },
      { field: 'created_at', op: 'before', value: '2025-02-30' },
      { field: 'created_at', op: 'after', value: '2025-01-01T10:00:00' },
      { field: 'attributes.score', op: 'between', value: [10, 1] },
      { field: 'attributes.seen', op: 'within_last', value: 1.5 },
      { field: 'email', op: 'contains', value: '' },
      { field: 'attributes.tier', op: '=', value: null },
      { field: 'attributes.tier', op: 'in', value: [true] },
      { field: 'phone', op: 'exists', value: 'yes' },
      { field: 'region', op: '=', value: 'East\u0000' },
      { field: 'attributes.tier', op: 'starts_with', value: '\uD83D' },
    ] })).toEqual([
      { field: 'rules.all[0].value[1]', message: 'must be a non-empty string' },
      { field: 'rules.all[1].value', message: 'must be a non-empty list' },
      { field: 'rules.all[2].value', message: 'must be a date such as 2025-01-31 or a date-time with a zone such as 2025-01-31T09:00:00Z' },
      { field: 'rules.all[3].value', message: 'must be a date such as 2025-01-31 or a date-time with a zone such as 2025-01-31T09:00:00Z' },
      { field: 'rules.all[4].value', message: 'the low end must not be greater than the high end' },
      { field: 'rules.all[5].value', message: 'must be a whole number of days from 1 to 36500' },
      { field: 'rules.all[6].value', message: 'must be a non-empty string' },
      { field: 'rules.all[7].value', message: 'must be a string, a number or true/false' },
      { field: 'rules.all[8].value', message: 'must be a non-empty list of strings or of numbers' },
      { field: 'rules.all[9].value', message: 'must be true or false, or left out (meaning true)' },
      { field: 'rules.all[10].value', message: 'must not contain NUL characters or broken Unicode' },
      { field: 'rules.all[11].value', message: 'must not contain NUL characters or broken Unicode' },
    ]);
  });

  it('refuses malformed nodes, empty groups and stray properties', () => {
    expect(issues(null)).toEqual([{ field: 'rules', message: 'must be a rule: { all: [...] }, { any: [...] }, { not: rule } or { field, op, value }' }]);
    expect(issues({ all: [] })).toEqual([{ field: 'rules.all', message: 'must contain at least one rule' }]);
    expect(issues({ any: 'x' })).toEqual([{ field: 'rules.any', message: 'must be a list of rules' }]);
    expect(issues({ all: [{ field: 'email', op: 'exists' }], any: [] })).toEqual([
      { field: 'rules', message: 'must have exactly one of all, any, not, or a condition (field, op, value)' },
    ]);
    expect(issues({ not: { field: 'email', op: 'exists', note: 'x' } })).toEqual([{ field: 'rules.not.note', message: 'unknown property' }]);
    expect(issues({ not: { op: '=' } })).toEqual([{ field: 'rules.not.field', message: 'is required' }]);
    expect(issues({ field: 'attributes.bad-key', op: 'exists' })).toEqual([
      { field: 'rules.field', message: 'attribute names are 1 to 64 letters, digits or underscores, e.g. attributes.lifting_mt' },
    ]);
    expect(issues({ field: 'toString', op: 'exists' })[0]?.field).toBe('rules.field');
  });

  it('limits depth, naming the first node that is too deep', () => {
    let rule: object = { field: 'email', op: 'exists' };
    for (let i = 0; i < 7; i++) rule = { not: rule };
    expect(issues(rule)).toEqual([]); // 8 levels
    expect(issues({ all: [rule] })).toEqual([
      { field: 'rules.all[0].not.not.not.not.not.not.not', message: 'rules may nest at most 8 levels deep' },
    ]);
  });

  it('limits the number of conditions', () => {
    const leaf = { field: 'email', op: 'exists' };
    expect(issues({ any: Array.from({ length: 200 }, () => leaf) })).toEqual([]);
    expect(issues({ any: Array.from({ length: 201 }, () => leaf) })).toEqual([
      { field: 'rules', message: 'a segment may have at most 200 conditions' },
    ]);
  });

  it('uses the caller’s path prefix and stops after 50 issues', () => {
    expect(issues({ all: [{ field: 'x', op: 'exists' }] }, { path: 'audience.rules' })[0]?.field).toBe('audience.rules.all[0].field');
    const bad = { any: Array.from({ length: 120 }, () => ({ field: 'nope', op: 'exists' })) };
    expect(issues(bad)).toHaveLength(50);
  });

  it('throws one ValidationError with code invalid_segment listing every issue', () => {
    let caught: unknown;
    try {
      parseSegment({ all: [{ field: 'nope', op: '=' }, { field: 'email', op: 'nah' }] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.code).toBe('invalid_segment');
    expect(err.issues.map((i) => i.field)).toEqual(['rules.all[0].field', 'rules.all[1].op']);
    expect(checkSegment({ all: [] }).ok).toBe(false);
  });
});

describe('custom catalogues', () => {
  const fields: FieldCatalogue = { tags: { column: 'tags', type: 'string[]', label: 'Tags' }, score: { column: 'score', type: 'number', label: 'Score' } };

  it('validates against the catalogue passed in', () => {
    expect(issues({ field: 'tags', op: 'contains', value: 'vip' }, { fields })).toEqual([]);
    expect(issues({ field: 'score', op: 'contains', value: 'x' }, { fields })[0]?.message).toBe(
      'contains does not apply to score (a number field); use one of =, !=, >, >=, <, <=, in, not_in, between, exists',
    );
    expect(issues({ field: 'email', op: 'exists' }, { fields })[0]?.field).toBe('rules.field');
  });

  it('describes the catalogue for the segment builder', () => {
    expect(describeCatalogue(fields)).toEqual([
      { field: 'tags', label: 'Tags', type: 'string[]', operators: ['contains', 'in', 'not_in', 'exists'] },
      { field: 'score', label: 'Score', type: 'number', operators: ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'between', 'exists'] },
    ]);
  });
});

describe('campaignAudience', () => {
  const east = { field: 'region', op: '=', value: 'East' } as const;
  const gold = { field: 'attributes.tier', op: '=', value: 'gold' } as const;
  it('is everyone without a segment, or when a segment has no criterion (the wizard\'s "every contact")', () => {
    expect(campaignAudience([])).toBeNull();
    expect(campaignAudience([[]])).toBeNull();
    expect(campaignAudience([[east], []])).toBeNull();
  });
  it('matches every criterion of a segment, and any of several segments', () => {
    expect(campaignAudience([[east]])).toEqual(east);
    expect(campaignAudience([[east, gold]])).toEqual({ all: [east, gold] });
    expect(campaignAudience([[east], [gold]])).toEqual({ any: [east, gold] });
    // What it builds is a valid rule tree (an empty all/any would not be).
    expect(segmentIssues(campaignAudience([[east, gold], [gold]]))).toEqual([]);
  });
});
