/**
 * The message-cost migration over rollups that already hold message cost inside `cost`: each row is
 * split exactly (spend entries and tracked spend stay in cost, the rest moves to message_cost, at
 * the prices it was sent at), the figures of a campaign in the company's currency do not move, and a
 * foreign campaign's actual_spend converts its message cost. Run down then up on a private database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { readFacts } from '../db/repositories/analytics.ts';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { createApiCompany, type ApiCompany } from './fixtures/api-world.ts';

const MIGRATION = 'Migration20261125031000_message_cost';
let db: TestDatabase;
let sql: Knex;
let co: ApiCompany;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  sql = db.orm.em.getKnex();
  await db.orm.getMigrator().down({ migrations: [MIGRATION] });
  co = await createApiCompany(db.orm, 'msgcost-migrate');
  await sql.raw(`update companies set currency = 'USD', supported_currencies = '{USD,EUR}', channel_costs = '{"email": "0.0100"}' where id = ?`, [co.id]);
  await sql.raw(`insert into exchange_rates (company_id, currency, rate, effective_from) values (?, 'EUR', 1.1, '2026-01-01')`, [co.id]);
  for (const [code, currency] of [['MIG-USD', 'USD'], ['MIG-EUR', 'EUR']] as const) {
    ids[code] = (
      await sql.raw<{ rows: { id: string }[] }>(
        `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
         values (?, ?, ?, 'promotional', 'email', '{email}', 'completed', '2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z', ?, 100, ?) returning id`,
        [co.id, code, code, currency, co.users.manager.id],
      )
    ).rows[0]!.id;
  }
  // Each campaign: 10 e-mails (4 of variant A, 6 in region north) = 0.10 USD, and 5.00 of its own spend the same day.
  await sql.raw(`insert into contacts (company_id, email, region) select ?, 'mig' || g || '@example.test', case when g <= 6 then 'north' end from generate_series(1, 10) g`, [co.id]);
  for (const id of Object.values(ids)) {
    await sql.raw(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, variant, status, sent_at)
       select ?, ?, k.id, 'email', row_number() over (order by k.email), k.email, case when row_number() over (order by k.email) <= 4 then 'A' end, 'sent', '2026-01-05T10:00:00Z'
         from contacts k where k.company_id = ? and k.email like 'mig%'`,
      [co.id, id, co.id],
    );
    await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 5, 'USD', 'media', '2026-01-05')`, [co.id, id]);
  }
});
afterAll(async () => {
  await db?.drop();
});

describe('the message-cost migration over existing rollups', () => {
  it('splits each row exactly and converts only what is in another currency', async () => {
    const spend = async () => (await sql.raw<{ rows: { code: string; s: string }[] }>(`select code, actual_spend::text as s from campaigns where company_id = ? order by code`, [co.id])).rows;
    // Before: message cost mixed into cost (5.10 each, whatever the campaign's currency).
    expect(await spend()).toEqual([
      { code: 'MIG-EUR', s: '5.1000' },
      { code: 'MIG-USD', s: '5.1000' },
    ]);
    await db.orm.getMigrator().up({ migrations: [MIGRATION] });
    const split = async (table: string, key: string) =>
      (
        await sql.raw<{ rows: { code: string; key: string; cost: string; message_cost: string }[] }>(
          `select c.code, m.${key} as key, m.cost::text as cost, m.message_cost::text as message_cost from ${table} m join campaigns c on c.id = m.campaign_id where m.company_id = ? order by 1, 2, 3 desc, 4`,
          [co.id],
        )
      ).rows;
    expect(await split('campaign_performance_metrics', 'variant')).toEqual([
      { code: 'MIG-EUR', key: '', cost: '5.0000', message_cost: '0.0600' },
      { code: 'MIG-EUR', key: 'A', cost: '0.0000', message_cost: '0.0400' },
      { code: 'MIG-USD', key: '', cost: '5.0000', message_cost: '0.0600' },
      { code: 'MIG-USD', key: 'A', cost: '0.0000', message_cost: '0.0400' },
    ]);
    expect(await split('campaign_region_metrics', 'region')).toEqual([
      { code: 'MIG-EUR', key: '', cost: '5.0000', message_cost: '0.0400' },
      { code: 'MIG-EUR', key: 'north', cost: '0.0000', message_cost: '0.0600' },
      { code: 'MIG-USD', key: '', cost: '5.0000', message_cost: '0.0400' },
      { code: 'MIG-USD', key: 'north', cost: '0.0000', message_cost: '0.0600' },
    ]);
    // USD: 5 + 0.10 as before; EUR: 5 EUR + 0.10 USD / 1.1.
    expect(await spend()).toEqual([
      { code: 'MIG-EUR', s: '5.0909' },
      { code: 'MIG-USD', s: '5.1000' },
    ]);
    // Read back: the USD campaign's cost per variant as before the split; the EUR one in EUR, and in USD for the company.
    const own = await readFacts(sql, { companyId: co.id }, ['campaign', 'variant'], { money: 'campaign' });
    expect(own.map((r) => [r.keys.campaign === ids['MIG-USD'] ? 'USD' : 'EUR', r.keys.variant, r.cost])).toEqual(
      expect.arrayContaining([['USD', 'A', '0.0400'], ['USD', null, '5.0600'], ['EUR', 'A', '0.0364'], ['EUR', null, '5.0545']]),
    );
    const company = await readFacts(sql, { companyId: co.id }, ['campaign']);
    expect(company.map((r) => [r.keys.campaign === ids['MIG-USD'] ? 'USD' : 'EUR', r.cost]).sort()).toEqual([['EUR', '5.6000'], ['USD', '5.1000']]);
    // Sending after the migration lands in message_cost.
    await sql.raw(`update campaign_recipients set sent_at = '2026-01-06T10:00:00Z' where campaign_id = ? and seq = 10`, [ids['MIG-USD']!]);
    expect((await split('campaign_performance_metrics', 'variant')).filter((r) => r.code === 'MIG-USD').map((r) => r.message_cost)).toEqual(['0.0500', '0.0100', '0.0400']);
  });
});
