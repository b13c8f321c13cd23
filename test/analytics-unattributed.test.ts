/**
 * Conversions and orders without a campaign are kept and reported as such: a rollup of their own,
 * kept by the fact triggers, gives the company totals (dashboard KPIs, revenue by channel and by
 * day / week / month) an "unattributed" line beside the campaigns, never inside their revenue or ROI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let sql: Knex;
let co: ApiCompany;
let rival: ApiCompany;
let manager: ReturnType<typeof as>;
let analyst: ReturnType<typeof as>;
let campaignId: string;
const JANUARY = 'from=2026-01-01&to=2026-01-31';

async function conversion(company: ApiCompany, o: { campaignId?: string | null; type: string; value: string; at: string; id: string }) {
  await sql.raw(
    `insert into conversions (company_id, campaign_id, channel, type, value, currency, external_id, source, occurred_at) values (?, ?, ?, ?, ?, 'USD', ?, 'test', ?)`,
    [company.id, o.campaignId ?? null, o.campaignId ? 'email' : null, o.type, o.value, o.id, o.at],
  );
}
async function order(company: ApiCompany, o: { value: string; at: string; id: string; status?: string }) {
  await sql.raw(`insert into orders (company_id, external_id, order_value, currency, status, ordered_at) values (?, ?, ?, 'USD', ?, ?)`, [company.id, o.id, o.value, o.status ?? 'completed', o.at]);
}
const rollup = async (company: ApiCompany) =>
  (
    await sql.raw<{ rows: Record<string, string>[] }>(
      `select to_char(day, 'YYYY-MM-DD') as day, leads::int as leads, conversions::int as conversions, orders::int as orders, revenue::text as revenue from unattributed_metrics where company_id = ? order by day`,
      [company.id],
    )
  ).rows;

beforeAll(async () => {
  t = await createTestDeps();
  const app = createApp(t.deps);
  sql = t.deps.orm.em.getKnex();
  co = await createApiCompany(t.deps.orm, 'lone-co');
  rival = await createApiCompany(t.deps.orm, 'lone-rival');
  manager = as(app, (await signIn(app, co.users.manager.email)).token);
  analyst = as(app, (await signIn(app, co.users.analyst.email)).token);
  campaignId = (
    await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, 'LONE-1', 'Attributed', 'promotional', 'email', '{email}', 'completed', '2026-01-05T00:00:00Z', '2026-01-20T00:00:00Z', 'USD', 100, ?) returning id`,
      [co.id, co.users.manager.id],
    )
  ).rows[0]!.id;
  await conversion(co, { campaignId, type: 'sale', value: '100.00', at: '2026-01-10T12:00:00Z', id: 'camp-sale' });
  await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 50, 'USD', 'media', '2026-01-10')`, [co.id, campaignId]);

  // Unattributed: one through the API (a UTM code no campaign has), the rest stored directly.
  const viaApi = await manager.post('/api/conversions', { externalId: 'lone-lead', type: 'lead', utmCampaign: 'no-such-campaign', occurredAt: '2026-01-10T15:00:00Z' });
  expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(201);
  expect(viaApi.body).toMatchObject({ attributed: false, campaignId: null });
  await conversion(co, { type: 'sale', value: '250.50', at: '2026-01-11T12:00:00Z', id: 'lone-sale' });
  await order(co, { value: '80.00', at: '2026-01-11T13:00:00Z', id: 'lone-order' });
  await order(co, { value: '999.00', at: '2026-01-11T14:00:00Z', id: 'lone-pending', status: 'pending' });
  await order(co, { value: '20.00', at: '2026-01-25T09:00:00Z', id: 'lone-late' });
  await conversion(co, { type: 'sale', value: '40.00', at: '2025-12-20T12:00:00Z', id: 'lone-december' });
  await conversion(rival, { type: 'sale', value: '777.00', at: '2026-01-11T12:00:00Z', id: 'rival-lone' });
});
afterAll(async () => {
  await t?.close();
});

describe('the unattributed rollup', () => {
  it('counts exactly the facts without a campaign, per local day (completed orders only), per company', async () => {
    expect(await rollup(co)).toEqual([
      { day: '2025-12-20', leads: 0, conversions: 1, orders: 0, revenue: '40.0000' },
      { day: '2026-01-10', leads: 1, conversions: 0, orders: 0, revenue: '0.0000' },
      { day: '2026-01-11', leads: 0, conversions: 1, orders: 1, revenue: '330.5000' },
      { day: '2026-01-25', leads: 0, conversions: 0, orders: 1, revenue: '20.0000' },
    ]);
    expect(await rollup(rival)).toEqual([{ day: '2026-01-11', leads: 0, conversions: 1, orders: 0, revenue: '777.0000' }]);
  });
});

describe('company totals', () => {
  it('dashboard KPIs: an unattributed line with its previous period, and the company revenue, while the campaign revenue and ROI stay the campaigns\'', async () => {
    const res = await analyst.get(`/api/analytics/summary?${JANUARY}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.kpis.revenue).toMatchObject({ value: '100.00' });
    expect(res.body.kpis.roiPercent.value).toBe(100);
    expect(res.body.unattributed).toEqual({
      leads: { value: 1, previous: 0, change: 1, changePercent: null },
      conversions: { value: 1, previous: 1, change: 0, changePercent: 0 },
      orders: { value: 2, previous: 0, change: 2, changePercent: null },
      revenue: { value: '350.50', previous: '40.00', change: '310.50', changePercent: 776.3 },
      companyRevenue: { value: '450.50', previous: '40.00', change: '410.50', changePercent: 1026.3 },
    });
    // A fact without a campaign has no channel, campaign, region, team or user to match.
    expect((await analyst.get(`/api/analytics/summary?${JANUARY}&channel=email`)).body.unattributed).toBeNull();
    expect((await analyst.get(`/api/analytics/summary?${JANUARY}&campaign=${campaignId}`)).body.unattributed).toBeNull();
  });

  it('revenue by channel: the channels plus one unattributed line', async () => {
    const res = await analyst.get(`/api/analytics/channels?${JANUARY}`);
    expect(res.body.items.map((i: { channel: string; revenue: string }) => [i.channel, i.revenue])).toEqual([['email', '100.00']]);
    expect(res.body.unattributed).toEqual({ leads: 1, conversions: 1, orders: 2, revenue: '350.50' });
    expect((await analyst.get(`/api/analytics/channels?${JANUARY}&channel=email`)).body.unattributed).toBeNull();
  });

  it('revenue by day, week and month: each period its unattributed line, periods with only those facts included', async () => {
    const days = await analyst.get(`/api/analytics/timeseries?${JANUARY}&granularity=day`);
    const byDay = new Map(days.body.items.map((i: { key: string; metrics: { money: { revenue: string } }; unattributed: object }) => [i.key, [i.metrics.money.revenue, i.unattributed]]));
    expect(days.body.items).toHaveLength(31);
    expect(byDay.get('2026-01-10')).toEqual(['100.00', { leads: 1, conversions: 0, orders: 0, revenue: '0.00' }]);
    expect(byDay.get('2026-01-11')).toEqual(['0.00', { leads: 0, conversions: 1, orders: 1, revenue: '330.50' }]);
    expect(byDay.get('2026-01-12')).toEqual(['0.00', { leads: 0, conversions: 0, orders: 0, revenue: '0.00' }]);

    const weeks = await analyst.get(`/api/analytics/timeseries?${JANUARY}&granularity=week`);
    expect(weeks.body.items.map((i: { key: string; metrics: { money: { revenue: string } }; unattributed: { revenue: string } }) => [i.key, i.metrics.money.revenue, i.unattributed.revenue])).toEqual([
      ['2026-01-05', '100.00', '330.50'],
      ['2026-01-19', '0.00', '20.00'],
    ]);
    const months = await analyst.get(`/api/analytics/timeseries?${JANUARY}&granularity=month`);
    expect(months.body.items.map((i: { key: string; unattributed: object }) => [i.key, i.unattributed])).toEqual([['2026-01', { leads: 1, conversions: 1, orders: 2, revenue: '350.50' }]]);
    expect((await analyst.get(`/api/analytics/timeseries?${JANUARY}&granularity=month&channel=email`)).body.items[0].unattributed).toBeNull();
  });

  it('follows later changes: a refunded order leaves it, a conversion attributed afterwards moves to its campaign', async () => {
    await sql.raw(`update orders set status = 'refunded' where company_id = ? and external_id = 'lone-order'`, [co.id]);
    await sql.raw(`update conversions set campaign_id = ?, channel = 'email' where company_id = ? and external_id = 'lone-sale'`, [campaignId, co.id]);
    const res = await analyst.get(`/api/analytics/summary?${JANUARY}`);
    expect(res.body.kpis.revenue.value).toBe('350.50');
    expect(res.body.unattributed.revenue.value).toBe('20.00');
    expect(res.body.unattributed.orders.value).toBe(1);
    expect(res.body.unattributed.companyRevenue.value).toBe('370.50');
    expect((await rollup(co)).find((r) => r.day === '2026-01-11')).toEqual({ day: '2026-01-11', leads: 0, conversions: 0, orders: 0, revenue: '0.0000' });
  });

  it('answers from the rollup, not a scan of the facts', async () => {
    // Only the rollup row changes here (no fact does): the answer follows it.
    await sql.raw(`update unattributed_metrics set revenue = revenue + 1000 where company_id = ? and day = '2026-01-25'`, [co.id]);
    expect((await analyst.get(`/api/analytics/summary?${JANUARY}`)).body.unattributed.revenue.value).toBe('1020.00');
  });
});
