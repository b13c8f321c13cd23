/**
 * Company figures across campaigns of different currencies are converted into the company's
 * currency at the rate of each fact's day (the latest exchange rate on or before it), never summed
 * as if 1 EUR were 1 USD. A campaign's own page stays in its currency. Money with no rate on its
 * day is reported as not converted, and converted once a rate is set, earlier days included.
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
let admin: ReturnType<typeof as>;
let analyst: ReturnType<typeof as>;
let rivalAdmin: ReturnType<typeof as>;
let usd: string;
let eur: string;
const MARCH = 'from=2026-03-01&to=2026-03-31';
const FEBRUARY = 'from=2026-02-01&to=2026-02-28';

async function campaign(code: string, currency: string, budget: string): Promise<string> {
  return (
    await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, ?, ?, 'promotional', 'email', '{email}', 'completed', '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', ?, ?, ?) returning id`,
      [co.id, code, `Campaign ${code}`, currency, budget, co.users.manager.id],
    )
  ).rows[0]!.id;
}
async function conversion(o: { campaignId: string | null; currency: string; value: string; at: string; id: string }) {
  await sql.raw(
    `insert into conversions (company_id, campaign_id, channel, type, value, currency, external_id, source, occurred_at) values (?, ?, ?, 'sale', ?, ?, ?, 'test', ?)`,
    [co.id, o.campaignId, o.campaignId ? 'email' : null, o.value, o.currency, o.id, o.at],
  );
}
async function spend(campaignId: string, currency: string, amount: string, day: string) {
  await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, ?, ?, 'media', ?)`, [co.id, campaignId, amount, currency, day]);
}

beforeAll(async () => {
  t = await createTestDeps();
  const app = createApp(t.deps);
  sql = t.deps.orm.em.getKnex();
  co = await createApiCompany(t.deps.orm, 'fx-co');
  rival = await createApiCompany(t.deps.orm, 'fx-rival');
  await sql.raw(`update companies set currency = 'USD', supported_currencies = '{USD,EUR,GBP}' where id in (?, ?)`, [co.id, rival.id]);
  admin = as(app, (await signIn(app, co.users.admin.email)).token);
  analyst = as(app, (await signIn(app, co.users.analyst.email)).token);
  rivalAdmin = as(app, (await signIn(app, rival.users.admin.email)).token);
  usd = await campaign('FX-USD', 'USD', '1000');
  eur = await campaign('FX-EUR', 'EUR', '5000');
  // USD: 1 000 revenue, 400 spend. EUR: 1 000 on a 1.1 day, 500 (an order) on a 1.2 day; spend 200 and 100 on the same days.
  await conversion({ campaignId: usd, currency: 'USD', value: '1000.00', at: '2026-03-05T12:00:00Z', id: 'usd-sale' });
  await spend(usd, 'USD', '400.00', '2026-03-05');
  await conversion({ campaignId: eur, currency: 'EUR', value: '1000.00', at: '2026-03-05T12:00:00Z', id: 'eur-sale' });
  await sql.raw(`insert into orders (company_id, campaign_id, channel, external_id, order_value, currency, status, ordered_at) values (?, ?, 'email', 'eur-order', 500, 'EUR', 'completed', '2026-03-20T12:00:00Z')`, [co.id, eur]);
  await spend(eur, 'EUR', '200.00', '2026-03-05');
  await spend(eur, 'EUR', '100.00', '2026-03-20');
  // Before any EUR rate: a sale on 20 February. And unattributed revenue in GBP, which never gets a rate here.
  await conversion({ campaignId: eur, currency: 'EUR', value: '50.00', at: '2026-02-20T12:00:00Z', id: 'eur-february' });
  await conversion({ campaignId: null, currency: 'GBP', value: '30.00', at: '2026-03-10T12:00:00Z', id: 'gbp-lone' });
  await conversion({ campaignId: null, currency: 'USD', value: '10.00', at: '2026-03-10T12:00:00Z', id: 'usd-lone' });
});
afterAll(async () => {
  await t?.close();
});

describe('exchange rates (admin settings)', () => {
  it('refuses, naming the field, a code that is no currency, the company currency, an unsupported one, a rate that is not positive and a bad day', async () => {
    const bad = [
      [{ currency: 'XYZ', rate: '1.1', effectiveFrom: '2026-03-01' }, 'currency'],
      [{ currency: 'USD', rate: '1', effectiveFrom: '2026-03-01' }, 'currency'],
      [{ currency: 'JPY', rate: '0.0067', effectiveFrom: '2026-03-01' }, 'currency'],
      [{ currency: 'EUR', rate: '0', effectiveFrom: '2026-03-01' }, 'rate'],
      [{ currency: 'EUR', rate: '-1.1', effectiveFrom: '2026-03-01' }, 'rate'],
      [{ currency: 'EUR', rate: 'abc', effectiveFrom: '2026-03-01' }, 'rate'],
      [{ currency: 'EUR', rate: '1.1', effectiveFrom: '2026-02-30' }, 'effectiveFrom'],
    ] as const;
    for (const [input, field] of bad) {
      const res = await admin.put('/api/exchange-rates', input);
      expect(res.status, JSON.stringify(input)).toBe(422);
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field), JSON.stringify(input)).toEqual([field]);
    }
    expect((await analyst.put('/api/exchange-rates', { currency: 'EUR', rate: '1.1', effectiveFrom: '2026-03-01' })).status).toBe(403);
    expect((await admin.get('/api/exchange-rates')).body).toEqual({ currency: 'USD', items: [] });
  });

  it('sets rates per currency and day, lists them newest first, and keeps them per company', async () => {
    expect((await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.1', effectiveFrom: '2026-03-01' })).status).toBe(200);
    expect((await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.25', effectiveFrom: '2026-03-15' })).status).toBe(200);
    // Setting the same day again replaces that day's rate.
    const again = await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.2', effectiveFrom: '2026-03-15' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ currency: 'EUR', rate: '1.2', effectiveFrom: '2026-03-15' });
    const list = await analyst.get('/api/exchange-rates');
    expect(list.body.items.map((r: { currency: string; rate: string; effectiveFrom: string }) => [r.currency, r.rate, r.effectiveFrom])).toEqual([
      ['EUR', '1.2', '2026-03-15'],
      ['EUR', '1.1', '2026-03-01'],
    ]);
    expect((await rivalAdmin.get('/api/exchange-rates')).body.items).toEqual([]);
    expect((await rivalAdmin.delete(`/api/exchange-rates/${list.body.items[0].id}`)).status).toBe(404);
    const audited = await sql.raw<{ rows: { n: number }[] }>(`select count(*)::int as n from audit_log where company_id = ? and action = 'exchange_rate.set'`, [co.id]);
    expect(audited.rows[0]!.n).toBe(3);
  });
});

describe('company figures in the company currency', () => {
  it('dashboard revenue, spend, budget and ROI convert each day at its own rate', async () => {
    const res = await analyst.get(`/api/analytics/summary?${MARCH}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.currency).toBe('USD');
    // 1 000 USD + 1 000 EUR × 1.1 + 500 EUR × 1.2 — not 2 500.
    expect(res.body.kpis.revenue.value).toBe('2700.00');
    // 400 USD + 200 EUR × 1.1 + 100 EUR × 1.2.
    expect(res.body.kpis.spend.value).toBe('740.00');
    // (2 700 − 740) / 740 = 264.86 %.
    expect(res.body.kpis.roiPercent.value).toBe(264.9);
    // 1 000 USD + 5 000 EUR at the rate of the range's last day (1.2).
    expect(res.body.kpis.budget.value).toBe('7000.00');
    // Unattributed: the USD sale counts; the GBP one has no rate and is listed, not counted.
    expect(res.body.unattributed.revenue.value).toBe('10.00');
    expect(res.body.notConverted).toEqual([{ currency: 'GBP', revenue: '0.00', cost: '0.00', unattributedRevenue: '30.00', budget: '0.00', from: '2026-03-10', to: '2026-03-10' }]);
  });

  it('channels, day series, campaign cards and rankings carry the same converted money', async () => {
    const channels = await analyst.get(`/api/analytics/channels?${MARCH}`);
    expect(channels.body.items.map((i: { channel: string; revenue: string }) => [i.channel, i.revenue])).toEqual([['email', '2700.00']]);
    const days = await analyst.get(`/api/analytics/timeseries?${MARCH}&granularity=day`);
    const revenue = new Map(days.body.items.map((i: { key: string; metrics: { money: { revenue: string; cost: string } } }) => [i.key, [i.metrics.money.revenue, i.metrics.money.cost]]));
    expect(revenue.get('2026-03-05')).toEqual(['2100.00', '620.00']);
    expect(revenue.get('2026-03-20')).toEqual(['600.00', '120.00']);
    const cards = await analyst.get(`/api/analytics/campaigns?${MARCH}&sort=revenue`);
    type Card = { code: string; revenue: string; cost: string; budget: string; currency: string; ownBudget: string };
    expect(cards.body.items.map((c: Card) => [c.code, c.revenue, c.cost, c.budget, c.currency, c.ownBudget])).toEqual([
      ['FX-EUR', '1700.00', '340.00', '6000.00', 'EUR', '5000.00'],
      ['FX-USD', '1000.00', '400.00', '1000.00', 'USD', '1000.00'],
    ]);
    const rankings = await analyst.get(`/api/analytics/rankings?${MARCH}`);
    expect(rankings.status, JSON.stringify(rankings.body)).toBe(200);
    // ROI per campaign from converted money: EUR (1 700 − 340) / 340 = 400 %, USD 150 %.
    expect(rankings.body.rankings.roi.map((e: { name: string; value: number }) => [e.name, e.value])).toEqual([
      ['Campaign FX-EUR', 400],
      ['Campaign FX-USD', 150],
    ]);
  });

  it("a campaign's own page stays in its currency", async () => {
    const page = await analyst.get(`/api/analytics/campaigns/${eur}?${MARCH}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.currency).toBe('EUR');
    expect(page.body.financial).toMatchObject({ budget: '5000.00', spent: '300.00', revenue: '1500.00' });
    expect((await analyst.get(`/api/analytics/campaigns/${usd}?${MARCH}`)).body).toMatchObject({ currency: 'USD', financial: { revenue: '1000.00', spent: '400.00' } });
  });

  it('money with no rate on its day is reported as not converted, then converted once a rate for that day is set', async () => {
    const before = await analyst.get(`/api/analytics/summary?${FEBRUARY}`);
    expect(before.body.kpis.revenue.value).toBe('0.00');
    expect(before.body.kpis.budget.value).toBe('0.00');
    expect(before.body.notConverted).toEqual([{ currency: 'EUR', revenue: '50.00', cost: '0.00', unattributedRevenue: '0.00', budget: '5000.00', from: '2026-02-20', to: '2026-02-20' }]);

    expect((await admin.put('/api/exchange-rates', { currency: 'EUR', rate: '1.05', effectiveFrom: '2026-02-01' })).status).toBe(200);
    const after = await analyst.get(`/api/analytics/summary?${FEBRUARY}`);
    expect(after.body.kpis.revenue.value).toBe('52.50');
    expect(after.body.kpis.budget.value).toBe('5250.00');
    expect(after.body.notConverted).toEqual([]);
    // March keeps its own rates; its previous period (February) now converts too.
    const march = await analyst.get(`/api/analytics/summary?${MARCH}`);
    expect(march.body.kpis.revenue).toMatchObject({ value: '2700.00', previous: '52.50' });

    // Removing the rate takes it back out.
    const id = (await admin.get('/api/exchange-rates')).body.items.find((r: { effectiveFrom: string }) => r.effectiveFrom === '2026-02-01').id;
    expect((await admin.delete(`/api/exchange-rates/${id}`)).status).toBe(200);
    expect((await analyst.get(`/api/analytics/summary?${FEBRUARY}`)).body.kpis.revenue.value).toBe('0.00');
  });

  it('every other converted view says what it left out, in the summary\'s shape', async () => {
    // February again has no EUR rate: its 50 EUR sale is out of every figure, and listed by each view.
    const eur50 = { currency: 'EUR', revenue: '50.00', cost: '0.00', unattributedRevenue: '0.00', budget: '0.00', from: '2026-02-20', to: '2026-02-20' };
    const views = ['channels', 'timeseries?granularity=day', 'rankings', 'breakdowns/campaign', 'breakdowns/channel', 'breakdowns/region'];
    for (const view of views) {
      const res = await analyst.get(`/api/analytics/${view}${view.includes('?') ? '&' : '?'}${FEBRUARY}`);
      expect(res.status, view).toBe(200);
      expect(res.body.notConverted, view).toEqual([eur50]);
    }
    // The campaign cards also leave out the EUR campaign's budget (no rate on 28 February).
    const cards = await analyst.get(`/api/analytics/campaigns?${FEBRUARY}`);
    expect(cards.body.items.map((c: { code: string; revenue: string; budget: string }) => [c.code, c.revenue, c.budget])).toEqual([['FX-EUR', '0.00', '0.00']]);
    expect(cards.body.notConverted).toEqual([{ ...eur50, budget: '5000.00' }]);
    // A status the EUR campaign does not have: nothing of it is shown, so nothing is listed.
    expect((await analyst.get(`/api/analytics/campaigns?${FEBRUARY}&status=sending`)).body.notConverted).toEqual([]);
    // The retailer leaderboard reads only retailers' rows: this sale came from no retailer.
    expect((await analyst.get(`/api/analytics/breakdowns/retailer?${FEBRUARY}`)).body.notConverted).toEqual([]);

    // March: everything of the campaigns converts; the 30 GBP without a campaign is listed only by the
    // views that show unattributed revenue (channels, time series), not by those of campaigns alone.
    const gbp = [{ currency: 'GBP', revenue: '0.00', cost: '0.00', unattributedRevenue: '30.00', budget: '0.00', from: '2026-03-10', to: '2026-03-10' }];
    expect((await analyst.get(`/api/analytics/channels?${MARCH}`)).body.notConverted).toEqual(gbp);
    expect((await analyst.get(`/api/analytics/timeseries?${MARCH}&granularity=week`)).body.notConverted).toEqual(gbp);
    for (const view of ['rankings', 'campaigns', 'breakdowns/campaign']) expect((await analyst.get(`/api/analytics/${view}?${MARCH}`)).body.notConverted, view).toEqual([]);
    // Narrowed to the EUR campaign, no view has an unattributed line, so none lists the GBP.
    expect((await analyst.get(`/api/analytics/channels?${MARCH}&campaign=${eur}`)).body.notConverted).toEqual([]);
  });
});
