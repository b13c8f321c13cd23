/**
 * The currency migration on a database that already holds facts: a single-currency company's
 * figures come out exactly as before (no rate needed for the company's own currency), and its
 * unattributed rollup is rebuilt with the currency in its key. Run down then up on a private
 * database, with facts written in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { readFacts } from '../db/repositories/analytics.ts';
import { readUnattributed } from '../db/repositories/analytics-unattributed.ts';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { createApiCompany, type ApiCompany } from './fixtures/api-world.ts';

const MIGRATION = 'Migration20261125000009_currency_conversion';
/** A later migration whose functions read exchange_rates: reverted first, reapplied after. */
const LATER = 'Migration20261125031000_message_cost';
let db: TestDatabase;
let sql: Knex;
let co: ApiCompany;

const lone = async () =>
  (await sql.raw<{ rows: Record<string, string>[] }>(`select to_char(day, 'YYYY-MM-DD') as day, leads::int as leads, conversions::int as conversions, orders::int as orders, revenue::text as revenue from unattributed_metrics where company_id = ? order by day`, [co.id])).rows;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = db.orm.em.getKnex();
  await db.orm.getMigrator().down({ migrations: [LATER] });
  await db.orm.getMigrator().down({ migrations: [MIGRATION] });
  co = await createApiCompany(db.orm, 'fx-migrate');
  const campaign = (
    await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, 'MIG-1', 'Before', 'promotional', 'email', '{email}', 'completed', '2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z', 'USD', 100, ?) returning id`,
      [co.id, co.users.manager.id],
    )
  ).rows[0]!.id;
  const conversion = (campaignId: string | null, value: string, at: string, id: string) =>
    sql.raw(`insert into conversions (company_id, campaign_id, channel, type, value, currency, external_id, source, occurred_at) values (?, ?, ?, 'sale', ?, 'USD', ?, 'test', ?)`, [co.id, campaignId, campaignId ? 'email' : null, value, id, at]);
  await conversion(campaign, '120.25', '2026-01-05T10:00:00Z', 'c1');
  await conversion(null, '33.10', '2026-01-06T10:00:00Z', 'u1');
  await conversion(null, '6.90', '2026-01-06T11:00:00Z', 'u2');
  await sql.raw(`insert into orders (company_id, external_id, order_value, currency, status, ordered_at) values (?, 'o1', 80, 'USD', 'completed', '2026-01-07T10:00:00Z')`, [co.id]);
  await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 40, 'USD', 'media', '2026-01-05')`, [co.id, campaign]);
});
afterAll(async () => {
  await db?.drop();
});

describe('the currency migration over existing facts', () => {
  it('keeps every figure of a single-currency company, and the unattributed rows with their currency', async () => {
    const hasCurrency = async () =>
      (await sql.raw<{ rows: { n: number }[] }>(`select count(*)::int as n from information_schema.columns where table_name = 'unattributed_metrics' and column_name = 'currency'`)).rows[0]!.n;
    expect(await hasCurrency()).toBe(0);
    const before = await lone();
    expect(before).toEqual([
      { day: '2026-01-06', leads: 0, conversions: 2, orders: 0, revenue: '40.0000' },
      { day: '2026-01-07', leads: 0, conversions: 0, orders: 1, revenue: '80.0000' },
    ]);
    await db.orm.getMigrator().up({ migrations: [MIGRATION] });
    await db.orm.getMigrator().up({ migrations: [LATER] });
    expect(await hasCurrency()).toBe(1);
    expect(await lone()).toEqual(before);
    const currencies = await sql.raw<{ rows: { currency: string }[] }>(`select distinct currency from unattributed_metrics where company_id = ?`, [co.id]);
    expect(currencies.rows).toEqual([{ currency: 'USD' }]);

    const f = { companyId: co.id, from: '2026-01-01', to: '2026-01-31' };
    const [total] = await readFacts(sql, f, []);
    expect(total).toMatchObject({ conversions: 1, revenue: '120.2500', cost: '40.0000' });
    const [unattributed] = await readUnattributed(sql, f);
    expect(unattributed).toMatchObject({ conversions: 2, orders: 1, revenue: '120.0000' });
    // The trigger keeps counting after the migration, in the fact's currency.
    await sql.raw(`insert into conversions (company_id, type, value, currency, external_id, source, occurred_at) values (?, 'sale', 5, 'USD', 'u3', 'test', '2026-01-06T12:00:00Z')`, [co.id]);
    expect((await lone())[0]).toMatchObject({ day: '2026-01-06', conversions: 3, revenue: '45.0000' });
  });
});
