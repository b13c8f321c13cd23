import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { compileSegment, escapeLike, segmentColumns } from './segment-sql.ts';
import type { FieldCatalogue, SegmentRule } from './segment-types.ts';

const TIME = `(CASE WHEN jsonb_typeof(c."attributes" -> $1::text) = 'string' AND pg_input_is_valid(c."attributes" ->> $1::text, 'timestamptz') THEN (c."attributes" ->> $1::text)::timestamptz END)`;
const TEXT = `(CASE WHEN jsonb_typeof(c."attributes" -> $1::text) = 'string' THEN c."attributes" ->> $1::text END)`;

describe('compileSegment', () => {
  it('compiles the seed 002 dealer example', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'attributes.dealer', op: '=', value: true },
        { field: 'attributes.lifting_mt', op: '>', value: 100 },
      ],
    };
    expect(compileSegment(rule, { alias: 'c', firstParam: 1 })).toEqual({
      sql: `(c."attributes" @> $1::jsonb AND c."attributes" @@ $2::jsonpath)`,
      params: ['{"dealer":true}', 'strict $."lifting_mt" > 100'],
    });
  });

  it('compiles region, tier and behaviour filters with groups and negation', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'region', op: 'in', value: ['East', 'Central'] },
        { any: [{ field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }, { field: 'attributes.orders_12m', op: '>=', value: 3 }] },
        { not: { field: 'unsubscribed', op: '=', value: true } },
      ],
    };
    expect(compileSegment(rule, { alias: 'ct', firstParam: 2 })).toEqual({
      sql:
        `(ct."region" = ANY($2) AND ($3::jsonb @> jsonb_build_array(ct."attributes" -> $4::text) OR ct."attributes" @@ $5::jsonpath) ` +
        `AND (ct."unsubscribed_at" IS NOT NULL) IS NOT TRUE)`,
      params: [['East', 'Central'], '["gold","platinum"]', 'tier', 'strict $."orders_12m" >= 3'],
    });
  });

  it.each<[string, SegmentRule, string, unknown[]]>([
    ['string =', { field: 'region', op: '=', value: 'East' }, `c."region" = $1`, ['East']],
    ['string !=', { field: 'region', op: '!=', value: 'East' }, `c."region" IS DISTINCT FROM $1`, ['East']],
    ['not_in', { field: 'region', op: 'not_in', value: ['East'] }, `(c."region" = ANY($1)) IS NOT TRUE`, [['East']]],
    ['contains escapes wildcards', { field: 'email', op: 'contains', value: '50%_off\\' }, `c."email" ILIKE $1`, ['%50\\%\\_off\\\\%']],
    ['starts_with', { field: 'phone', op: 'starts_with', value: '+91' }, `c."phone" ILIKE $1`, ['+91%']],
    ['string exists', { field: 'phone', op: 'exists' }, `(c."phone" IS NOT NULL AND c."phone" <> '')`, []],
    ['string not exists', { field: 'phone', op: 'exists', value: false }, `(c."phone" IS NULL OR c."phone" = '')`, []],
    ['date before', { field: 'created_at', op: 'before', value: '2025-01-01' }, `c."created_at" < $1::timestamptz`, ['2025-01-01T00:00:00.000Z']],
    ['date after', { field: 'created_at', op: 'after', value: '2025-01-01T09:30:00+05:30' }, `c."created_at" > $1::timestamptz`, ['2025-01-01T04:00:00.000Z']],
    [
      'date between (inclusive)',
      { field: 'created_at', op: 'between', value: ['2025-01-01', '2025-01-31'] },
      `c."created_at" BETWEEN $1::timestamptz AND $2::timestamptz`,
      ['2025-01-01T00:00:00.000Z', '2025-01-31T00:00:00.000Z'],
    ],
    ['within_last', { field: 'created_at', op: 'within_last', value: 30 }, `c."created_at" BETWEEN (SELECT now() - make_interval(days => $1::int)) AND (SELECT now())`, [30]],
    ['timestamp flag', { field: 'bounced', op: '!=', value: true }, `c."bounced_at" IS NULL`, []],
    ['attribute !=', { field: 'attributes.tier', op: '!=', value: 'gold' }, `(c."attributes" @> $1::jsonb) IS NOT TRUE`, ['{"tier":"gold"}']],
    ['attribute exists', { field: 'attributes.tier', op: 'exists' }, `c."attributes" ? $1::text`, ['tier']],
    ['attribute not exists', { field: 'attributes.tier', op: 'exists', value: false }, `(c."attributes" ? $1::text) IS NOT TRUE`, ['tier']],
    ['attribute number between', { field: 'attributes.lifting_mt', op: 'between', value: [50, 100] }, `c."attributes" @@ $1::jsonpath`, ['strict ($."lifting_mt" >= 50 && $."lifting_mt" <= 100)']],
    [
      'attribute date between (inclusive, the attribute read once)',
      { field: 'attributes.last_purchase_at', op: 'between', value: ['2025-01-01', '2025-01-31'] },
      `tstzrange($2::timestamptz, $3::timestamptz, '[]') @> ${TIME}`,
      ['last_purchase_at', '2025-01-01T00:00:00.000Z', '2025-01-31T00:00:00.000Z'],
    ],
    ['attribute date before', { field: 'attributes.last_purchase_at', op: 'before', value: '2025-01-01' }, `${TIME} < $2::timestamptz`, ['last_purchase_at', '2025-01-01T00:00:00.000Z']],
    [
      'attribute within_last',
      { field: 'attributes.last_purchase_at', op: 'within_last', value: 90 },
      `(SELECT tstzrange(now() - make_interval(days => $2::int), now(), '[]')) @> ${TIME}`,
      ['last_purchase_at', 90],
    ],
    ['attribute starts_with', { field: 'attributes.city', op: 'starts_with', value: 'New' }, `${TEXT} ILIKE $2`, ['city', 'New%']],
    [
      'attribute contains: text or array element',
      { field: 'attributes.interests', op: 'contains', value: 'golf' },
      `(${TEXT} ILIKE $2 OR c."attributes" @> $3::jsonb)`,
      ['interests', '%golf%', '{"interests":["golf"]}'],
    ],
    [
      'attribute not_in numbers',
      { field: 'attributes.tier_level', op: 'not_in', value: [1, 2] },
      `($1::jsonb @> jsonb_build_array(c."attributes" -> $2::text)) IS NOT TRUE`,
      ['[1,2]', 'tier_level'],
    ],
    ['single-rule group adds nothing', { any: [{ field: 'region', op: '=', value: 'East' }] }, `c."region" = $1`, ['East']],
  ])('%s', (_name, rule, sql, params) => {
    expect(compileSegment(rule)).toEqual({ sql, params });
  });

  it('compiles array and number columns of a custom catalogue', () => {
    const fields: FieldCatalogue = {
      tags: { column: 'tags', type: 'string[]', label: 'Tags' },
      score: { column: 'score', type: 'number', label: 'Score' },
    };
    const compile = (rule: SegmentRule) => compileSegment(rule, { fields });
    expect(compile({ field: 'tags', op: 'contains', value: 'vip' })).toEqual({ sql: `$1 = ANY(c."tags")`, params: ['vip'] });
    expect(compile({ field: 'tags', op: 'not_in', value: ['a', 'b'] })).toEqual({ sql: `(c."tags" && $1::text[]) IS NOT TRUE`, params: [['a', 'b']] });
    expect(compile({ field: 'tags', op: 'exists', value: false })).toEqual({ sql: `COALESCE(cardinality(c."tags"), 0) = 0`, params: [] });
    expect(compile({ field: 'score', op: 'between', value: [1, 5] })).toEqual({ sql: `c."score" BETWEEN $1 AND $2`, params: [1, 5] });
    expect(compile({ field: 'score', op: '<=', value: 9.5 })).toEqual({ sql: `c."score" <= $1`, params: [9.5] });
    expect(() => compileSegment({ field: 'x', op: 'exists' }, { fields: { x: { column: 'x"; drop', type: 'string', label: 'X' } } })).toThrow(
      'catalogue column "x\\"; drop" is not a plain SQL identifier',
    );
  });

  it('renders knex placeholders: one ? per use, params repeated, the jsonb ? operator escaped', () => {
    expect(compileSegment({ all: [{ field: 'attributes.vip', op: 'exists' }, { field: 'attributes.spend', op: '<', value: 10 }] }, { placeholders: 'knex' })).toEqual({
      sql: `(c."attributes" \\? ?::text AND c."attributes" @@ ?::jsonpath)`,
      params: ['vip', 'strict $."spend" < 10'],
    });
  });

  it('refuses invalid trees with the same paths as validation, and bad options', () => {
    expect(() => compileSegment({ all: [{ field: 'region', op: '>', value: 'E' }] })).toThrow(ValidationError);
    expect(() => compileSegment({ all: [{ field: 'region', op: '>', value: 'E' }] })).toThrow(/^rules\.all\[0\]\.op: /);
    expect(() => compileSegment({ field: 'region', op: '=', value: 'E' }, { alias: 'c; drop' })).toThrow('is not a plain SQL identifier');
    expect(() => compileSegment({ field: 'region', op: '=', value: 'E' }, { firstParam: 0 })).toThrow('firstParam must be a positive integer');
  });
});

describe('no user value ever reaches the SQL text', () => {
  /** Deterministic pseudo-random generator (mulberry32), so a failure reproduces. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const ALPHABET = Array.from(`abcXYZ019 '";-\\/*%_?$(){}[]:.,\n\téß漢🙂`); // code points, so the emoji is never split
  const HOSTILE = [`'; DROP TABLE contacts; --`, `" OR 1=1 --`, `$1`, `?`, `\\'`, `) OR (TRUE`, `E'\\x27'`, `{"a":1}`];

  function randomString(next: () => number): string {
    const len = 1 + Math.floor(next() * 30);
    return Array.from({ length: len }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
  }

  /** Rule shapes, each with the user strings it carries. */
  function shapes(s: string, t: string, key: string): [SegmentRule, string[]][] {
    return [
      [{ field: 'region', op: '=', value: s }, [s]],
      [{ field: 'region', op: '!=', value: s }, [s]],
      [{ field: 'email', op: 'contains', value: s }, [escapeLike(s)]],
      [{ field: 'email', op: 'starts_with', value: s }, [escapeLike(s)]],
      [{ field: 'region', op: 'in', value: [s, t] }, [s, t]],
      [{ field: `attributes.${key}`, op: '=', value: s }, [key, JSON.stringify(s)]],
      [{ field: `attributes.${key}`, op: 'in', value: [s, t] }, [key, JSON.stringify(s), JSON.stringify(t)]],
      [{ field: `attributes.${key}`, op: 'not_in', value: [s] }, [key, JSON.stringify(s)]],
      [{ field: `attributes.${key}`, op: 'contains', value: s }, [key, escapeLike(s), JSON.stringify(s)]],
      [{ field: `attributes.${key}`, op: 'starts_with', value: t }, [key, escapeLike(t)]],
      [{ not: { any: [{ field: `attributes.${key}`, op: 'exists' }, { field: 'last_name', op: '=', value: t }] } }, [key, t]],
    ];
  }

  it('keeps the SQL identical whatever the values, and carries every value as a parameter', () => {
    const next = rng(20250101);
    const reference = shapes('x', 'y', 'k').map(([r]) => compileSegment(r).sql);
    for (let round = 0; round < 300; round++) {
      const s = round < HOSTILE.length ? HOSTILE[round]! : randomString(next);
      const t = randomString(next);
      const key = `k${Math.floor(next() * 1e6)}`;
      shapes(s, t, key).forEach(([rule, carried], i) => {
        const { sql, params } = compileSegment(rule);
        expect(sql).toBe(reference[i]);
        if (s.length > 2) expect(sql.includes(s)).toBe(false);
        const flat = params.flat().map(String).join('\u0001');
        for (const value of carried) expect(flat).toContain(value);
      });
    }
  });

  it('refuses attribute keys that could carry SQL instead of quoting them', () => {
    for (const key of HOSTILE) {
      expect(() => compileSegment({ field: `attributes.${key}`, op: 'exists' })).toThrow(ValidationError);
    }
  });
});

describe('segmentColumns', () => {
  it('names every column a rule reads, through not/any/all, so a count can pick a narrower table', () => {
    const rule: SegmentRule = {
      any: [
        { all: [{ field: 'region', op: '=', value: 'East' }, { not: { field: 'attributes.tier', op: '=', value: 'gold' } }] },
        { field: 'unsubscribed', op: '=', value: false },
      ],
    };
    expect([...segmentColumns(rule)].sort()).toEqual(['attributes', 'region', 'unsubscribed_at']);
    expect([...segmentColumns({ not: { field: 'email', op: 'contains', value: '@x' } })]).toEqual(['email']);
    expect(() => segmentColumns({ field: 'password', op: '=', value: 'x' })).toThrow(ValidationError);
  });
});
