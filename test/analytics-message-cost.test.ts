/**
 * Per-message channel cost is priced in the company's currency (settings: cost per message per
 * channel), while a campaign's own spend is in the campaign's currency. A EUR campaign of a USD
 * company that sends messages must not add USD message costs into its EUR spend: the dashboard
 * adds message cost as it is and converts the EUR spend; the campaign page (in EUR) and
 * campaigns.actual_spend convert the message cost into EUR at its day's rate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let sql: Knex;
let co: ApiCompany;
let admin: ReturnType<typeof as>;
let analyst: ReturnType<typeof as>;
let eur: string;
const MARCH = 'from=2026-03-01&to=2026-03-31';

async function actualSpend(id: string): Promise<string> {
  return (await sql.raw<{ rows: { s: string }[] }>(`select actual_spend::text as s from campaigns where id = ?`, [id])).rows[0]!.s;
}

beforeAll(async () => {
  t = await createTestDeps();
  const app = createApp(t.deps);
  sql = t.deps.orm.em.getKnex();
  co = await createApiCompany(t.deps.orm, 'msgcost-co');
  // 0.011 USD per e-mail; EUR at 1.1 USD from 1 March.
  await sql.raw(`update companies set currency = 'USD', supported_currencies = '{USD,EUR}', channel_costs = '{"email": "0.0110"}' where id = ?`, [co.id]);
  admin = as(app, (await signIn(app, co.users.admin.email)).token);
  analyst = as(app, (await signIn(app, co.users.analyst.email)).token);
  expect((await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.1', effectiveFrom: '2026-03-01' })).status).toBe(200);
  eur = (
    await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, 'MC-EUR', 'Campaign MC-EUR', 'promotional', 'email', '{email}', 'completed', '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', 'EUR', 1000, ?) returning id`,
      [co.id, co.users.manager.id],
    )
  ).rows[0]!.id;
  // 1 000 e-mails sent on 5 March: 11.00 USD of message cost, which is 10.00 EUR at 1.1.
  await sql.raw(`insert into contacts (company_id, email) select ?, 'mc' || g || '@example.test' from generate_series(1, 1000) g`, [co.id]);
  await sql.raw(
    `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at)
     select ?, ?, k.id, 'email', row_number() over (order by k.email), k.email, 'sent', '2026-03-05T10:00:00Z' from contacts k where k.company_id = ? and k.email like 'mc%'`,
    [co.id, eur, co.id],
  );
  // 90.00 EUR of media spend the same day; 4 leads and a 440.00 EUR sale.
  await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 90, 'EUR', 'media', '2026-03-05')`, [co.id, eur]);
  await sql.raw(
    `insert into conversions (company_id, campaign_id, channel, type, value, currency, external_id, source, occurred_at)
     select ?, ?, 'email', case when g <= 4 then 'lead' else 'sale' end, case when g <= 4 then 0 else 440 end, 'EUR', 'mc-' || g, 'test', '2026-03-05T12:00:00Z' from generate_series(1, 5) g`,
    [co.id, eur],
  );
});
afterAll(async () => {
  await t?.close();
});

describe('message cost of a campaign in another currency than the company', () => {
  it('the dashboard adds the USD message cost as it is and converts only the EUR spend', async () => {
    const res = await analyst.get(`/api/analytics/summary?${MARCH}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // 90 EUR × 1.1 + 11 USD = 110 USD (mixed into EUR and converted, it read 111.10).
    expect(res.body.kpis.spend.value).toBe('110.00');
    expect(res.body.kpis.revenue.value).toBe('484.00');
    // (484 − 110) / 110 = 340 %.
    expect(res.body.kpis.roiPercent.value).toBe(340);
    expect(res.body.notConverted).toEqual([]);
    const channels = await analyst.get(`/api/analytics/channels?${MARCH}`);
    expect(channels.body.items[0].metrics.money).toMatchObject({ cost: '110.00', costPerLead: '27.50', revenue: '484.00' });
    const cards = await analyst.get(`/api/analytics/campaigns?${MARCH}`);
    expect(cards.body.items[0]).toMatchObject({ code: 'MC-EUR', cost: '110.00', roiPercent: 340 });
    const days = await analyst.get(`/api/analytics/timeseries?${MARCH}&granularity=day`);
    expect(days.body.items.find((i: { key: string }) => i.key === '2026-03-05').metrics.money.cost).toBe('110.00');
  });

  it('the campaign page, in EUR, converts the message cost into EUR; actual_spend agrees', async () => {
    const page = await analyst.get(`/api/analytics/campaigns/${eur}?${MARCH}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.currency).toBe('EUR');
    // 90 EUR + 11 USD / 1.1 = 100 EUR (it read 101, USD added as EUR).
    expect(page.body.financial).toMatchObject({ spent: '100.00', revenue: '440.00', budgetRemaining: '900.00', costPerLead: '25.00' });
    expect(page.body.keyMetrics).toMatchObject({ roiPercent: 340, costPerLead: '25.00' });
    expect(await actualSpend(eur)).toBe('100.0000');
    const campaign = await analyst.get(`/api/campaigns/${eur}?include_performance=true`);
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(200);
    expect(campaign.body.performance).toMatchObject({ sent: 1000, cost: '100.0000' });
  });

  it('a rate set later for the day re-prices the message cost on the page and in actual_spend', async () => {
    expect((await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.25', effectiveFrom: '2026-03-05' })).status).toBe(200);
    // 90 + 11 / 1.25 = 98.80 EUR; the dashboard: 90 × 1.25 + 11 = 123.50 USD.
    expect(await actualSpend(eur)).toBe('98.8000');
    expect((await analyst.get(`/api/analytics/campaigns/${eur}?${MARCH}`)).body.financial.spent).toBe('98.80');
    expect((await analyst.get(`/api/analytics/summary?${MARCH}`)).body.kpis.spend.value).toBe('123.50');
    // More e-mails the same day add their cost at that day's rate: 100 × 0.011 = 1.10 USD = 0.88 EUR.
    await sql.raw(`insert into contacts (company_id, email) select ?, 'mx' || g || '@example.test' from generate_series(1, 100) g`, [co.id]);
    await sql.raw(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at)
       select ?, ?, k.id, 'email', 1000 + row_number() over (order by k.email), k.email, 'sent', '2026-03-05T11:00:00Z' from contacts k where k.company_id = ? and k.email like 'mx%'`,
      [co.id, eur, co.id],
    );
    expect(await actualSpend(eur)).toBe('99.6800');
    expect((await analyst.get(`/api/analytics/summary?${MARCH}`)).body.kpis.spend.value).toBe('124.60');
  });
});
