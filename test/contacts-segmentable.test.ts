/**
 * Audience counts of rules on attributes read `contacts_segmentable`, the narrow copy of contacts kept by triggers. These
 * tests change contacts the ways Herald does — the API's create, edit (attributes merged, one
 * removed), delete and CSV import, and the send path's unsubscribe marker (an SQL update) — and
 * check after each that the count the rule builder shows moves by exactly what changed and equals
 * the count over contacts itself, which is what a campaign's audience snapshot reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { compileSegment } from '../domain/segment-sql.ts';
import type { SegmentRule } from '../domain/segment-types.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
let token: string;
const api = () => as(app, token);
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  t.deps.orm.em.getKnex().raw<{ rows: T[] }>(text, params as never[]).then((r) => r.rows);

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'seg-acme');
  rival = await createApiCompany(t.deps.orm, 'seg-rival');
  // 30 contacts: East, Central, West in turn; even numbers gold, odd silver.
  await addContacts(t.deps.orm, acme.id, 'seg-acme', 1, 30);
  await addContacts(t.deps.orm, rival.id, 'seg-rival', 1, 12);
  token = (await signIn(app, acme.users.manager.email)).token;
});
afterAll(async () => {
  await t?.close();
});

const RULES = {
  everyone: null,
  east: { field: 'region', op: '=', value: 'East' },
  gold: { field: 'attributes.tier', op: '=', value: 'gold' },
  bigSpenders: { field: 'attributes.spend', op: '>=', value: 100 },
  recentBuyers: { field: 'attributes.last_purchase_at', op: 'within_last', value: 7 },
  // With an attribute, so the count reads the narrow table (rules on columns alone read contacts).
  unsubscribed: { all: [{ field: 'unsubscribed', op: '=', value: true }, { field: 'attributes.tier', op: 'exists' }] },
  notGoldEast: { not: { all: [{ field: 'region', op: '=', value: 'East' }, { field: 'attributes.tier', op: '=', value: 'gold' }] } },
} satisfies Record<string, SegmentRule | null>;
type Name = keyof typeof RULES;

/** The rule builder's count (POST /api/segments/preview), checked against a count over contacts. */
async function counts(): Promise<Record<Name, number>> {
  const out = {} as Record<Name, number>;
  for (const [name, rule] of Object.entries(RULES) as [Name, SegmentRule | null][]) {
    const res = await api().post('/api/segments/preview', { rules: rule, sampleSize: 1 });
    expect(res.status, name).toBe(200);
    const where = rule ? compileSegment(rule, { alias: 'c', placeholders: 'knex' }) : { sql: 'true', params: [] };
    const [row] = await sql<{ n: string }>(`select count(*) as n from contacts c where c.company_id = ? and ${where.sql}`, [acme.id, ...where.params]);
    expect(res.body.count, `${name}: the preview's count equals the count over contacts`).toBe(Number(row!.n));
    out[name] = res.body.count;
  }
  return out;
}

/** Every contact has exactly one narrow row holding the same values (both companies). */
async function mirrorDifferences(): Promise<number> {
  const [row] = await sql<{ n: string }>(
    `select count(*) as n from contacts c full join contacts_segmentable s on s.contact_id = c.id and s.company_id = c.company_id
      where c.id is null or s.contact_id is null
         or (c.region, c.time_zone, c.created_at, c.updated_at, c.unsubscribed_at, c.bounced_at, c.complained_at, c.attributes)
            is distinct from (s.region, s.time_zone, s.created_at, s.updated_at, s.unsubscribed_at, s.bounced_at, s.complained_at, s.attributes)`,
  );
  return Number(row!.n);
}

describe('the narrow table behind audience counts', () => {
  it('starts as a copy of contacts', async () => {
    expect(await mirrorDifferences()).toBe(0);
    expect(await counts()).toEqual({ everyone: 30, east: 10, gold: 15, bigSpenders: 0, recentBuyers: 0, unsubscribed: 0, notGoldEast: 25 });
  });

  it('moves each count by exactly what a create, an edit, an unsubscribe, a delete and an import change', async () => {
    const before = await counts();
    const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const created = await api().post('/api/contacts', {
      email: 'new@seg-acme.example',
      region: 'East',
      attributes: { tier: 'gold', spend: 120, last_purchase_at: recent },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const afterCreate = await counts();
    expect(afterCreate).toEqual({
      ...before,
      everyone: before.everyone + 1,
      east: before.east + 1,
      gold: before.gold + 1,
      bigSpenders: 1,
      recentBuyers: 1,
    });

    // Attributes are merged: tier changes, spend is removed, last_purchase_at stays; region moves.
    const edited = await api().patch(`/api/contacts/${id}`, { region: 'West', attributes: { tier: 'silver', spend: null } });
    expect(edited.status).toBe(200);
    const afterEdit = await counts();
    expect(afterEdit).toEqual({ ...before, everyone: before.everyone + 1, notGoldEast: before.notGoldEast + 1, recentBuyers: 1 });

    // A string is not a number: '150' does not make a big spender.
    await api().patch(`/api/contacts/${id}`, { attributes: { spend: '150' } });
    expect((await counts()).bigSpenders).toBe(0);
    await api().patch(`/api/contacts/${id}`, { attributes: { spend: 150 } });
    expect((await counts()).bigSpenders).toBe(1);

    // The unsubscribe link and the send path set the marker with SQL, not through the API.
    await sql(`update contacts set unsubscribed_at = now() where id = ?`, [id]);
    expect((await counts()).unsubscribed).toBe(1);

    expect((await api().delete(`/api/contacts/${id}`)).status).toBe(204);
    expect(await counts()).toEqual(before);

    // Two new contacts, and c3 (East, silver) updated by the same import to West, gold.
    const csv = 'email,region,attributes.tier\nimp1@seg-acme.example,East,gold\nimp2@seg-acme.example,East,silver\nc3@seg-acme.example,West,gold\n';
    const res = await app.request('/api/contacts/import', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    const afterImport = await counts();
    expect(afterImport.everyone).toBe(before.everyone + 2);
    expect(afterImport.east).toBe(before.east + 2 - 1);
    expect(afterImport.gold).toBe(before.gold + 1 + 1);
    expect(await mirrorDifferences()).toBe(0);
  });

  it("leaves the other company's counts alone and follows a bulk delete", async () => {
    const rivalCount = async () => Number((await sql<{ n: string }>(`select count(*) as n from contacts_segmentable where company_id = ?`, [rival.id]))[0]!.n);
    expect(await rivalCount()).toBe(12);
    await sql(`delete from contacts where company_id = ? and region = 'East'`, [acme.id]);
    expect((await counts()).east).toBe(0);
    expect(await rivalCount()).toBe(12);
    expect(await mirrorDifferences()).toBe(0);
  });

  it('counts a date attribute between two instants inclusively, and nothing that is not a valid date', async () => {
    const seen = ['2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', '2026-03-15T10:00:00+02:00', '2026-03-31T00:00:00.001Z', 'not a date', 20260315, null];
    await sql(
      `insert into contacts (company_id, email, attributes)
       select ?, 'seen' || i || '@seg-acme.example', case when v is null then '{}'::jsonb else jsonb_build_object('seen_at', v) end
         from jsonb_array_elements(?::jsonb) with ordinality as t(v, i)`,
      [acme.id, JSON.stringify(seen)],
    );
    const rule: SegmentRule = { field: 'attributes.seen_at', op: 'between', value: ['2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z'] };
    const preview = async (r: SegmentRule) => (await api().post('/api/segments/preview', { rules: r, sampleSize: 1 })).body.count as number;
    // Both bounds and the instant inside; not 1 ms after the end, the text, the number or the missing key.
    expect(await preview(rule)).toBe(3);
    const everyone = await preview(null as unknown as SegmentRule);
    expect(await preview({ not: rule })).toBe(everyone - 3);
    expect(await mirrorDifferences()).toBe(0);
  });
});
