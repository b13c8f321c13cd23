/**
 * Exact audience counts on the demo data (10 000 generated contacts for Acme Retail; 1 000 clients
 * and seed 004's 15 retailers for Aurelia Jewels). Every count is also checked against SQL written
 * by hand, so a wrong compilation cannot hide behind a wrong expected number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { CompanySchema, ContactSchema } from '../db/entities/index.ts';
import { countAudience, previewAudience, sampleAudience } from '../db/repositories/segments.ts';
import { DEALER_RULE } from '../db/seed/demo-data.ts';
import { DEMO_COMPANY_SLUG, SECOND_COMPANY_SLUG, seedDemo } from '../db/seed/demo.ts';
import { forkForCompany } from '../db/tenant.ts';
import { ValidationError } from '../domain/errors.ts';
import type { SegmentRule } from '../domain/segment-types.ts';

let db: TestDatabase;
let sql: pg.Client;
let acme: string;
let aurelia: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db.orm);
  const em = db.orm.em.fork();
  acme = (await em.findOneOrFail(CompanySchema, { slug: DEMO_COMPANY_SLUG })).id;
  aurelia = (await em.findOneOrFail(CompanySchema, { slug: SECOND_COMPANY_SLUG })).id;
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

const count = (companyId: string, rule: SegmentRule | null) => countAudience(db.orm.em.fork(), companyId, rule);
async function handCount(companyId: string, where: string): Promise<number> {
  const res = await sql.query<{ n: string }>(`select count(*) as n from contacts where company_id = $1 and (${where})`, [companyId]);
  return Number(res.rows[0]!.n);
}

const NESTED: SegmentRule = {
  any: [
    { all: [{ field: 'region', op: '=', value: 'East' }, { any: [{ field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }, { field: 'attributes.lifting_mt', op: '>=', value: 250 }] }] },
    { all: [{ field: 'region', op: 'in', value: ['West', 'North'] }, { any: [{ field: 'attributes.orders_count', op: '>', value: 20 }, { field: 'attributes.last_purchase_at', op: 'within_last', value: 60 }] }] },
    { all: [{ field: 'unsubscribed', op: '=', value: false }, { field: 'attributes.lifetime_value', op: 'between', value: [2000, 3000] }] },
  ],
};
const NESTED_BY_HAND = `(region = 'East' and (attributes->>'tier' in ('gold', 'platinum') or (attributes->>'lifting_mt')::numeric >= 250))
  or (region in ('West', 'North') and ((attributes->>'orders_count')::numeric > 20
       or (attributes->>'last_purchase_at')::timestamptz >= now() - interval '60 days'))
  or (unsubscribed_at is null and (attributes->>'lifetime_value')::numeric between 2000 and 3000)`;

describe('countAudience on the demo data', () => {
  it.each<[string, SegmentRule | null, string, number]>([
    ['every contact', null, 'true', 10_000],
    ["seed 002's dealers over 100 MT", DEALER_RULE, `(attributes->>'dealer')::boolean and (attributes->>'lifting_mt')::numeric > 100`, 1_090],
    ['everyone but those dealers', { not: DEALER_RULE }, `not coalesce((attributes->>'dealer')::boolean and (attributes->>'lifting_mt')::numeric > 100, false)`, 8_910],
    ['region in East, West', { field: 'region', op: 'in', value: ['East', 'West'] }, `region in ('East', 'West')`, 5_515],
    ['tier = gold', { field: 'attributes.tier', op: '=', value: 'gold' }, `attributes->>'tier' = 'gold'`, 1_783],
    ['tier in gold, platinum', { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }, `attributes->>'tier' in ('gold', 'platinum')`, 2_500],
    ['created within the last 30 days', { field: 'created_at', op: 'within_last', value: 30 }, `created_at >= now() - interval '30 days'`, 414],
    ['no phone', { field: 'phone', op: 'exists', value: false }, 'phone is null', 992],
    ['a three-level any/all tree', NESTED, NESTED_BY_HAND, 4_003],
  ])('%s', async (_name, rule, byHand, expected) => {
    expect(await count(acme, rule)).toBe(expected);
    expect(await handCount(acme, byHand)).toBe(expected);
  });

  it("never counts another company's contacts", async () => {
    const retailers: SegmentRule = { field: 'attributes.retailer', op: '=', value: true };
    expect(await count(acme, retailers)).toBe(0);
    expect(await count(aurelia, retailers)).toBe(15);
    const netAddresses: SegmentRule = { field: 'email', op: 'contains', value: '@example.net' };
    expect(await count(acme, netAddresses)).toBe(0);
    // The 1 000 generated clients of Aurelia, less the 4 % who have no email address.
    expect(await count(aurelia, netAddresses)).toBe(959);
    expect(await handCount(aurelia, `email like '%@example.net'`)).toBe(959);
    // The same rule matches in both companies; each count is that company's share of the total.
    const all = Number((await sql.query(`select count(*) as n from contacts where region = 'East'`)).rows[0].n);
    const east: SegmentRule = { field: 'region', op: '=', value: 'East' };
    const [a, b] = [await count(acme, east), await count(aurelia, east)];
    expect(a).toBe(await handCount(acme, `region = 'East'`));
    expect(a + b).toBe(all);
    expect(b).toBeGreaterThan(0);
    expect(await count(aurelia, null)).toBe(1_015);
  });

  it('passes values as parameters: SQL in a value is only text to compare', async () => {
    const rule: SegmentRule = { field: 'last_name', op: '=', value: "x' or '1'='1" };
    expect(await count(acme, rule)).toBe(0);
    expect(await count(acme, { field: 'attributes.tier', op: 'in', value: ["gold') or true --"] })).toBe(0);
    expect(await count(acme, null)).toBe(10_000);
  });

  it('rejects an invalid rule with the path of the problem', async () => {
    const err = await count(acme, { all: [{ field: 'region', op: '>', value: 'East' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([{ field: 'rules.all[0].op', message: expect.stringContaining('> does not apply to region') }]);
  });

  it("sees the caller's uncommitted rows when called inside its transaction", async () => {
    const em = forkForCompany(db.orm.em, acme);
    await em
      .transactional(async (tx) => {
        tx.create(ContactSchema, { company: acme, email: 'temp@example.org', region: 'East', attributes: { dealer: true, lifting_mt: 500 } });
        await tx.flush();
        expect(await countAudience(tx, acme, DEALER_RULE)).toBe(1_091);
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await count(acme, DEALER_RULE)).toBe(1_090);
  });
});

describe('sampleAudience', () => {
  it("returns a few of the company's matching contacts", async () => {
    const sample = await sampleAudience(db.orm.em.fork(), acme, DEALER_RULE, 5);
    expect(sample).toHaveLength(5);
    for (const c of sample) {
      expect(c.attributes.dealer).toBe(true);
      expect(c.attributes.lifting_mt as number).toBeGreaterThan(100);
      expect(c.email ?? '@example.com').toMatch(/@example\.com$/);
    }
    const ids = sample.map((c) => c.id);
    const owners = await sql.query<{ company_id: string }>('select distinct company_id from contacts where id = any($1::uuid[])', [ids]);
    expect(owners.rows).toEqual([{ company_id: acme }]);
  });

  it('returns fewer when fewer match, and none from another company', async () => {
    const east: SegmentRule = { all: [{ field: 'attributes.retailer', op: '=', value: true }, { field: 'region', op: '=', value: 'East' }] };
    const sample = await sampleAudience(db.orm.em.fork(), aurelia, east, 50);
    expect(sample.map((c) => c.attributes.retailer_name).sort()).toEqual([
      'Betteridge NY',
      'David Yurman Boston',
      'Manfredi Jewels',
      'Tiffany & Co Fifth Ave',
      'Tourneau Times Square',
    ]);
    expect(await sampleAudience(db.orm.em.fork(), acme, east, 50)).toEqual([]);
  });

  it('refuses a limit outside 1..50', async () => {
    await expect(sampleAudience(db.orm.em.fork(), acme, null, 0)).rejects.toThrow(RangeError);
    await expect(sampleAudience(db.orm.em.fork(), acme, null, 51)).rejects.toThrow(RangeError);
  });
});

describe('previewAudience', () => {
  it('answers the same count and the same kind of sample as countAudience and sampleAudience, in one statement', async () => {
    const preview = await previewAudience(db.orm.em.fork(), acme, DEALER_RULE, 5);
    expect(preview.count).toBe(1_090);
    expect(preview.count).toBe(await count(acme, DEALER_RULE));
    expect(preview.sample).toHaveLength(5);
    const ids = preview.sample.map((c) => c.id);
    const sampled = await sampleAudience(db.orm.em.fork(), acme, { field: 'email', op: 'in', value: preview.sample.map((c) => c.email!) }, 5);
    // Field for field what sampleAudience returns for the same contacts (attributes as objects, names camel-cased).
    expect([...preview.sample].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...sampled].sort((a, b) => a.id.localeCompare(b.id)));
    for (const c of preview.sample) expect(c.attributes.lifting_mt as number).toBeGreaterThan(100);
    const owners = await sql.query<{ company_id: string }>('select distinct company_id from contacts where id = any($1::uuid[])', [ids]);
    expect(owners.rows).toEqual([{ company_id: acme }]);
  });

  it('answers 0 and an empty sample for another company, and refuses a limit outside 1..50', async () => {
    const east: SegmentRule = { all: [{ field: 'attributes.retailer', op: '=', value: true }, { field: 'region', op: '=', value: 'East' }] };
    expect(await previewAudience(db.orm.em.fork(), acme, east, 50)).toEqual({ count: 0, sample: [] });
    await expect(previewAudience(db.orm.em.fork(), acme, null, 0)).rejects.toThrow(RangeError);
  });
});
