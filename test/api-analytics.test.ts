/**
 * /api/analytics on the real stack: facts are written into the real fact tables (recipients,
 * events, conversions, orders, spend, tracked daily metrics), the rollup triggers count them, and
 * the API's figures must equal what was written — seed 003's example exactly, seed 004's fan-out
 * trap avoided, other companies invisible, exports neutralised and personal data withheld.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { parseCsv } from '../domain/csv.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { pdfText } from './fixtures/pdf-text.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let sql: Knex;
let acme: ApiCompany;
let rival: ApiCompany;
const api = {} as Record<'manager' | 'analyst' | 'approver' | 'viewer' | 'rival', ReturnType<typeof as>>;
const ids = {} as Record<'sms' | 'ads' | 'sent' | 'empty' | 'evil' | 'rival', string>;

const JANUARY = 'from=2026-01-01&to=2026-01-31';

async function campaign(company: ApiCompany, o: { name: string; channel: string; budget?: string; targets?: [number, number, string]; status?: string }): Promise<string> {
  const [leads, conversions, roi] = o.targets ?? [0, 0, '0'];
  const res = await sql.raw<{ rows: { id: string }[] }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, target_leads, target_conversions, target_roi, created_by_id)
     values (?, ?, ?, 'promotional', ?, array[?]::text[], ?, '2026-01-03T00:00:00Z', '2026-01-20T00:00:00Z', 'USD', ?, ?, ?, ?, ?) returning id`,
    [company.id, `T-${Math.random().toString(36).slice(2, 10)}`, o.name, o.channel, o.channel, o.status ?? 'completed', o.budget ?? '0', leads, conversions, roi, company.users.manager.id],
  );
  return res.rows[0]!.id;
}

async function conversions(company: ApiCompany, campaignId: string, rows: { type: string; value: string; day: string; recipientId?: number }[]) {
  await sql.raw(
    `insert into conversions (company_id, campaign_id, recipient_id, type, value, currency, external_id, source, occurred_at)
     select ?, ?, (x->>'recipientId')::bigint, (x->>'type')::text, (x->>'value')::numeric, 'USD', gen_random_uuid()::text, 'test', ((x->>'day') || 'T12:00:00Z')::timestamptz
       from jsonb_array_elements(?::jsonb) x`,
    [company.id, campaignId, JSON.stringify(rows)],
  );
}

async function spend(company: ApiCompany, campaignId: string, amounts: [string, string][]) {
  for (const [amount, day] of amounts) {
    await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, ?, 'USD', 'other', ?)`, [company.id, campaignId, amount, day]);
  }
}

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  sql = t.deps.orm.em.getKnex();
  acme = await createApiCompany(t.deps.orm, 'an-acme');
  rival = await createApiCompany(t.deps.orm, 'an-rival');
  for (const role of ['manager', 'analyst', 'approver', 'viewer'] as const) api[role] = as(app, (await signIn(app, acme.users[role].email)).token);
  api.rival = as(app, (await signIn(app, rival.users.manager.email)).token);

  // Seed 003's "January SMS Blast": 5 000 spent, 120 leads, 12 sales of 1 500 each.
  ids.sms = await campaign(acme, { name: 'January SMS Blast', channel: 'sms', budget: '5000', targets: [150, 15, '250.00'] });
  await spend(acme, ids.sms, [['3250', '2026-01-05'], ['750', '2026-01-05'], ['1000', '2026-01-07']]);
  await conversions(acme, ids.sms, [
    ...Array.from({ length: 120 }, (_, i) => ({ type: 'lead', value: '0', day: `2026-01-0${5 + (i % 3)}` })),
    ...Array.from({ length: 12 }, (_, i) => ({ type: 'sale', value: '1500', day: `2026-01-0${5 + (i % 3)}` })),
  ]);

  // The same figures reported day by day for a paid-ads campaign, with the seed's funnel.
  ids.ads = await campaign(acme, { name: 'January paid ads', channel: 'paid_ads', budget: '6000', targets: [150, 15, '250.00'] });
  await sql.raw(
    `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, leads, qualified_leads, conversions, revenue, spend, source)
     values (?, ?, 'paid_ads', '2026-01-05', 4000, 3900, 200, 50, 12, 5, 7500, 2000, 'api'),
            (?, ?, 'paid_ads', '2026-01-06', 3500, 3400, 180, 40, 10, 4, 6000, 2000, 'api'),
            (?, ?, 'paid_ads', '2026-01-07', 2500, 2400, 120, 30, 8, 3, 4500, 1000, 'api')`,
    [acme.id, ids.ads, acme.id, ids.ads, acme.id, ids.ads],
  );

  // A sent e-mail campaign: 200 recipients, engagement events and three conversions.
  await addContacts(t.deps.orm, acme.id, 'an-acme', 1, 200);
  ids.sent = await campaign(acme, { name: 'Newsletter', channel: 'email', budget: '100' });
  await sql.raw(
    `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at, delivered_at)
     select ?, ?, k.id, 'email', row_number() over (order by k.email), k.email,
            case when row_number() over (order by k.email) <= 190 then 'delivered' else 'bounced' end,
            '2026-01-10T09:00:00Z', case when row_number() over (order by k.email) <= 190 then '2026-01-10T09:01:00Z'::timestamptz end
       from contacts k where k.company_id = ?`,
    [acme.id, ids.sent, acme.id],
  );
  const recips = (await sql.raw<{ rows: { id: string; seq: string }[] }>(`select id, seq from campaign_recipients where campaign_id = ? order by seq`, [ids.sent])).rows.map((r) => Number(r.id));
  const events: [number, string, boolean, number | null][] = [];
  recips.slice(0, 80).forEach((r) => events.push([r, 'opened', false, null])); // 80 unique human opens
  recips.slice(0, 20).forEach((r) => events.push([r, 'opened', false, null])); // 20 repeat opens
  recips.slice(100, 105).forEach((r) => events.push([r, 'opened', true, null])); // 5 scanner prefetches
  recips.slice(0, 30).forEach((r) => events.push([r, 'clicked', false, 0])); // 30 unique clicks on link 0
  recips.slice(0, 10).forEach((r) => events.push([r, 'clicked', false, 1])); // 10 more clicks, on link 1
  recips.slice(190, 200).forEach((r) => events.push([r, 'bounced_hard', false, null]));
  recips.slice(40, 42).forEach((r) => events.push([r, 'complained', false, null]));
  recips.slice(50, 53).forEach((r) => events.push([r, 'unsubscribed', false, null]));
  await sql.raw(
    `insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, automated, idempotency_key, source, occurred_at)
     select ?, ?, (x.v->>0)::bigint, 'email', (x.v->>1)::text, (x.v->>3)::smallint, (x.v->>2)::boolean, 'k' || x.n, 'test', '2026-01-10T14:30:00Z'
       from jsonb_array_elements(?::jsonb) with ordinality as x(v, n)`,
    [acme.id, ids.sent, JSON.stringify(events)],
  );
  await conversions(acme, ids.sent, [
    { type: 'sale', value: '100.10', day: '2026-01-11', recipientId: recips[0] },
    { type: 'sale', value: '200.20', day: '2026-01-11', recipientId: recips[1] },
    { type: 'signup', value: '300.30', day: '2026-01-12', recipientId: recips[2] },
  ]);
  await spend(acme, ids.sent, [['49.80', '2026-01-10']]);

  ids.empty = await campaign(acme, { name: 'Not sent yet', channel: 'email', budget: '700', status: 'scheduled' });
  ids.evil = await campaign(acme, { name: '=HYPERLINK("http://evil.example","x")', channel: 'sms', budget: '10' });
  ids.rival = await campaign(rival, { name: 'Rival secret', channel: 'sms', budget: '999' });
  await spend(rival, ids.rival, [['999', '2026-01-05']]);
  await conversions(rival, ids.rival, [{ type: 'sale', value: '123456', day: '2026-01-05' }]);
});
afterAll(async () => {
  await t?.close();
});

describe("seed 003's example through the API", () => {
  it('gives conversion rate 10.0 %, CPL 41.67, ROI 260.0 % and margin 72.2 % for the SMS campaign', async () => {
    const res = await api.analyst.get(`/api/analytics/campaigns/${ids.sms}`);
    expect(res.status).toBe(200);
    expect(res.body.keyMetrics).toEqual({ leads: 120, conversions: 12, roiPercent: 260, costPerLead: '41.67', leadConversionRate: 10 });
    expect(res.body.financial).toMatchObject({ budget: '5000.00', spent: '5000.00', revenue: '18000.00', netProfit: '13000.00', marginPercent: 72.2, roiMultiple: 2.6, tier: 'High' });
    expect(res.body.targets).toEqual([
      { metric: 'leads', target: 150, actual: 120, achievementPercent: 80, achieved: false },
      { metric: 'conversions', target: 15, actual: 12, achievementPercent: 80, achieved: false },
      { metric: 'roi', target: 250, actual: 260, achievementPercent: 104, achieved: true },
    ]);
  });

  it('runs the five-stage funnel 10 000 → 500 → 120 → 30 → 12 for the tracked-only campaign, with the same money figures', async () => {
    const res = await api.analyst.get(`/api/analytics/campaigns/${ids.ads}?${JANUARY}`);
    expect(res.status).toBe(200);
    const journey = res.body.funnels.journey;
    expect(journey.stages.map((s: { count: number }) => s.count)).toEqual([10_000, 500, 120, 30, 12]);
    expect(journey.stages.map((s: { rateFromPrevious: number | null }) => s.rateFromPrevious)).toEqual([null, 5, 24, 25, 40]);
    expect(journey.overallEfficiency).toBe(0.12);
    expect(journey.bottleneck).toEqual({ stage: 'interest', rateFromPrevious: 5 });
    expect(res.body.keyMetrics).toEqual({ leads: 120, conversions: 12, roiPercent: 260, costPerLead: '41.67', leadConversionRate: 10 });
    expect(res.body.metrics.engagement.ctr).toBe(5);
    expect(res.body.daily).toHaveLength(31);
    expect(res.body.daily.find((d: { day: string }) => d.day === '2026-01-06').metrics.counts.leads).toBe(40);
  });
});

describe('a sent campaign', () => {
  it('reports exactly what the fact tables hold, counting each message once for the rates', async () => {
    const res = await api.manager.get(`/api/analytics/campaigns/${ids.sent}?${JANUARY}`);
    expect(res.status).toBe(200);
    const { counts, engagement, money } = res.body.metrics;
    expect(counts).toMatchObject({ sent: 200, delivered: 190, opens: 100, uniqueOpens: 80, clicks: 40, uniqueClicks: 30, bounces: 10, complaints: 2, unsubscribes: 3, conversions: 3 });
    expect(engagement).toMatchObject({ deliveryRate: 95, openRate: 42.11, clickRate: 15.79, clickToOpenRate: 37.5, bounceRate: 5, complaintRate: 1.05, unsubscribeRate: 1.58, ctr: null });
    // Cost: 200 e-mails at the company's 0.001 plus 49.80 recorded.
    expect(money).toMatchObject({ cost: '50.00', costPerConversion: '16.67' });
    expect(res.body.links).toEqual([
      { linkIndex: 0, variant: null, url: null, clicks: 30, uniqueClicks: 30 },
      { linkIndex: 1, variant: null, url: null, clicks: 10, uniqueClicks: 10 },
    ]);
  });

  it("keeps revenue at the sum of its three conversions despite 200 sends (seed 004's join fan-out)", async () => {
    const res = await api.manager.get(`/api/analytics/campaigns/${ids.sent}`);
    expect(res.body.metrics.money.revenue).toBe('600.60');
    expect(res.body.metrics.money.roiPercent).toBe(1101.2);
  });

  it('shows engagement in the heat map at the hour it happened', async () => {
    const res = await api.analyst.get(`/api/analytics/heatmap?${JANUARY}&campaign=${ids.sent}`);
    expect(res.status).toBe(200);
    // 2026-01-10 is a Saturday; the company's time zone is UTC.
    expect(res.body.cells).toEqual([{ weekday: 6, hour: 14, opens: 100, clicks: 40 }]);
  });
});

describe('zero states', () => {
  it('gives a campaign with no sends null rates, not zeros', async () => {
    const res = await api.analyst.get(`/api/analytics/campaigns/${ids.empty}?${JANUARY}`);
    expect(res.status).toBe(200);
    expect(Object.values(res.body.metrics.engagement).every((v) => v === null)).toBe(true);
    expect(res.body.metrics.money).toMatchObject({ roiPercent: null, costPerLead: null, tier: null, revenue: '0.00' });
    expect(res.body.funnels.performance.overallEfficiency).toBeNull();
  });
});

describe('dashboard, overview, channels and rankings', () => {
  it('sums the period and compares it with the previous period of the same length', async () => {
    const res = await api.analyst.get(`/api/analytics/summary?from=2026-01-05&to=2026-01-11`);
    expect(res.status).toBe(200);
    expect(res.body.previous).toEqual({ from: '2025-12-29', to: '2026-01-04', days: 7 });
    const k = res.body.kpis;
    // sms (18 000) + ads (18 000) + newsletter (300.30 on the 11th); the signup on the 12th is outside.
    expect(k.revenue).toEqual({ value: '36300.30', previous: '0.00', change: '36300.30', changePercent: null });
    expect(k.spend.value).toBe('10050.00');
    expect(k.activeCampaigns).toMatchObject({ value: 3, previous: 0 });
    expect(k.leads.value).toBe(240);
    expect(k.deliveryRate.value).toBe(95);
  });

  it('narrows budget and figures to the campaigns of the users and teams asked for', async () => {
    const all = await api.analyst.get(`/api/analytics/summary?${JANUARY}`);
    const mine = await api.analyst.get(`/api/analytics/summary?${JANUARY}&user=${acme.users.manager.id}`);
    const none = await api.analyst.get(`/api/analytics/summary?${JANUARY}&user=${acme.users.analyst.id}`);
    expect(all.body.kpis.budget.value).toBe('11810.00');
    expect(mine.body.kpis).toMatchObject({ budget: all.body.kpis.budget, revenue: all.body.kpis.revenue });
    expect(none.body.kpis).toMatchObject({ budget: { value: '0.00' }, revenue: { value: '0.00' }, sent: { value: 0 } });
  });

  it("counts the budget of a campaign with figures in the period even when its dates lie outside it (sent ahead of its schedule)", async () => {
    const before = (await api.analyst.get(`/api/analytics/summary?${JANUARY}`)).body.kpis;
    const [dates] = (await sql.raw<{ rows: { start_at: Date; end_at: Date }[] }>(`select start_at, end_at from campaigns where id = ?`, [ids.sent])).rows;
    try {
      await sql.raw(`update campaigns set start_at = '2026-03-01', end_at = '2026-03-31' where id = ?`, [ids.sent]);
      const after = (await api.analyst.get(`/api/analytics/summary?${JANUARY}`)).body.kpis;
      expect(after.sent.value).toBe(before.sent.value);
      expect(after.budget.value).toBe(before.budget.value);
      expect(after.budgetUsedPercent.value).toBe(before.budgetUsedPercent.value);
      // Its figures are all in January: February has none of them, and none of its budget.
      const february = (await api.analyst.get(`/api/analytics/summary?from=2026-02-01&to=2026-02-28`)).body.kpis;
      expect(february.budget.value).toBe('0.00');
    } finally {
      await sql.raw(`update campaigns set start_at = ?, end_at = ? where id = ?`, [dates!.start_at, dates!.end_at, ids.sent]);
    }
  });

  it('never counts another company’s figures', async () => {
    const res = await api.rival.get(`/api/analytics/summary?${JANUARY}`);
    expect(res.body.kpis.revenue.value).toBe('123456.00');
    expect(res.body.kpis.activeCampaigns.value).toBe(1);
  });

  it('lists campaign cards with ROI and tier, totals and top performers, zero-state campaigns included', async () => {
    const res = await api.analyst.get(`/api/analytics/campaigns?${JANUARY}&pageSize=2`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['Newsletter', 'January paid ads']);
    expect(res.body.items[0]).toMatchObject({ roiPercent: 1101.2, tier: 'High', openRate: 42.11 });
    expect(res.body.topPerformers.map((c: { name: string }) => c.name)).toEqual(['Newsletter', 'January paid ads', 'January SMS Blast']);
    expect(res.body.totals.averageRoiPercent).toBe(540.4); // (1101.2 + 260 + 260) / 3
    expect(res.body.totals.byStatus).toEqual({ completed: 4, scheduled: 1 });
  });

  it('compares channels, tracked-only ones included', async () => {
    const res = await api.analyst.get(`/api/analytics/channels?${JANUARY}`);
    const byName = Object.fromEntries(res.body.items.map((c: { channel: string }) => [c.channel, c]));
    expect(byName.paid_ads).toMatchObject({ trackedOnly: true, leads: 120, roiPercent: 260, costPerLead: '41.67' });
    expect(byName.sms).toMatchObject({ trackedOnly: false, leads: 120, roiPercent: 260 });
    expect(byName.email).toMatchObject({ trackedOnly: false, revenue: '600.60', cost: '50.00' });
  });

  it('ranks campaigns and recommends with the triggering figures', async () => {
    const res = await api.analyst.get(`/api/analytics/rankings?${JANUARY}`);
    expect(res.body.rankings.roi.slice(0, 3).map((e: { name: string; value: number }) => [e.name, e.value])).toEqual([
      ['Newsletter', 1101.2],
      ['January paid ads', 260],
      ['January SMS Blast', 260],
    ]);
    expect(res.body.recommendations).toContainEqual({
      kind: 'pause_complaints',
      priority: 'high',
      campaignId: ids.sent,
      channel: 'email',
      figures: { complaints: 2, delivered: 190, complaintRate: 1.05, thresholdPercent: 0.3 },
    });
  });

  it('gives a daily time series with zero days and weekly buckets', async () => {
    const day = await api.analyst.get(`/api/analytics/timeseries?from=2026-01-04&to=2026-01-08&campaign=${ids.sms}`);
    expect(day.body.items.map((p: { key: string; metrics: { counts: { leads: number } } }) => [p.key, p.metrics.counts.leads])).toEqual([
      ['2026-01-04', 0],
      ['2026-01-05', 40],
      ['2026-01-06', 40],
      ['2026-01-07', 40],
      ['2026-01-08', 0],
    ]);
    const week = await api.analyst.get(`/api/analytics/timeseries?${JANUARY}&granularity=week&campaign=${ids.sms}`);
    expect(week.body.items.map((p: { key: string }) => p.key)).toEqual(['2026-01-05']);
  });

  it('breaks figures down by user and region with names', async () => {
    const user = await api.analyst.get(`/api/analytics/breakdowns/user?${JANUARY}`);
    expect(user.body.items).toHaveLength(1);
    expect(user.body.items[0]).toMatchObject({ key: acme.users.manager.id, label: 'Manager of an-acme' });
    const region = await api.analyst.get(`/api/analytics/breakdowns/region?${JANUARY}&campaign=${ids.sent}`);
    const sent = Object.fromEntries(region.body.items.map((i: { key: string; metrics: { counts: { sent: number } } }) => [i.key, i.metrics.counts.sent]));
    // Spend has no region: it stays in the figures under no region, never spread over the others.
    expect(sent).toEqual({ East: 66, Central: 67, West: 67, null: 0 });
  });

  it("shares a campaign's cost that has no region over its regions by messages sent, so a region's ROI means something", async () => {
    type Item = { key: string | null; metrics: { counts: { revenue: string }; money: { cost: string } }; sharedSpend: { cost: string; roiPercent: number | null } };
    const region = await api.analyst.get(`/api/analytics/breakdowns/region?${JANUARY}&campaign=${ids.sent}`);
    const by = Object.fromEntries((region.body.items as Item[]).map((i) => [i.key, i]));
    // Message cost 0.001 each where it was sent; the 49.80 of spend has no region.
    expect(by.East!.metrics.money.cost).toBe('0.07');
    expect(by.null!.metrics.money.cost).toBe('49.80');
    // 49.80 shared 66 : 67 : 67 is 16.434 + 16.683 + 16.683, to the 1/10 000 and adding up exactly.
    expect(Object.fromEntries((region.body.items as Item[]).map((i) => [i.key, i.sharedSpend.cost]))).toEqual({ East: '16.50', Central: '16.75', West: '16.75', null: '0.00' });
    for (const i of region.body.items as Item[]) {
      const cost = Number(i.sharedSpend.cost);
      expect(i.sharedSpend.roiPercent).toBe(cost === 0 ? null : Math.round(((Number(i.metrics.counts.revenue) - cost) / cost) * 1000) / 10);
    }
    // A region filter shows that region with the same share: its campaigns' other regions still count.
    const east = await api.analyst.get(`/api/analytics/breakdowns/region?${JANUARY}&campaign=${ids.sent}&region=East`);
    expect((east.body.items as Item[]).map((i) => [i.key, i.sharedSpend.cost])).toEqual([['East', '16.50']]);
  });
});

describe('teams and A/B variants', () => {
  let split: string;
  beforeAll(async () => {
    const team = (await sql.raw<{ rows: { id: string }[] }>(`insert into teams (company_id, name) values (?, 'Growth') returning id`, [acme.id])).rows[0]!.id;
    await sql.raw(`update users set team_id = ? where id = ?`, [team, acme.users.analyst.id]);
    split = (
      await sql.raw<{ rows: { id: string }[] }>(
        `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, created_by_id)
         values (?, 'T-SPLIT', 'Split test', 'promotional', 'email', '{email}', 'completed', '2026-01-20T00:00:00Z', '2026-01-25T00:00:00Z', 'USD', ?) returning id`,
        [acme.id, acme.users.analyst.id],
      )
    ).rows[0]!.id;
    // 100 recipients, odd seq variant A, even B; 30 of A and 10 of B open.
    await sql.raw(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, variant, status, sent_at, delivered_at)
       select ?, ?, k.id, 'email', n, k.email, case when n % 2 = 1 then 'A' else 'B' end, 'delivered', '2026-01-21T08:00:00Z', '2026-01-21T08:00:01Z'
         from (select k.*, row_number() over (order by k.email) as n from contacts k where k.company_id = ?) k where n <= 100`,
      [acme.id, split, acme.id],
    );
    await sql.raw(
      `insert into message_events (company_id, campaign_id, recipient_id, channel, type, idempotency_key, source, occurred_at)
       select r.company_id, r.campaign_id, r.id, 'email', 'opened', 'split-' || r.id, 'test', '2026-01-21T10:00:00Z'
         from campaign_recipients r where r.campaign_id = ? and ((r.variant = 'A' and r.seq <= 60) or (r.variant = 'B' and r.seq <= 20))`,
      [split],
    );
  });

  it('compares the variants of a split test', async () => {
    const res = await api.analyst.get(`/api/analytics/breakdowns/variant?${JANUARY}&campaign=${split}`);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.items.map((i: { key: string; metrics: { counts: { uniqueOpens: number }; engagement: { openRate: number } } }) => [i.key, [i.metrics.counts.uniqueOpens, i.metrics.engagement.openRate]]));
    expect(byKey).toEqual({ A: [30, 60], B: [10, 20] });
  });

  it('credits a campaign to its owner’s team', async () => {
    const res = await api.analyst.get(`/api/analytics/breakdowns/team?${JANUARY}`);
    const growth = res.body.items.find((i: { label: string | null }) => i.label === 'Growth');
    expect(growth.metrics.counts).toMatchObject({ sent: 100, uniqueOpens: 40 });
    const teamless = res.body.items.find((i: { key: string | null }) => i.key === null);
    expect(teamless.metrics.counts.sent).toBe(200);
  });
});

describe('retailers and personal data', () => {
  beforeAll(async () => {
    // Three of the newsletter's contacts are retailers (seed 004): their names are personal data.
    await sql.raw(
      `update contacts set attributes = attributes || jsonb_build_object('retailer', true, 'retailer_name', 'Retailer ' || email)
        where company_id = ? and email in ('c1@an-acme.example', 'c2@an-acme.example', 'c3@an-acme.example')`,
      [acme.id],
    );
    const ret = await campaign(acme, { name: 'Retail push', channel: 'email' });
    await sql.raw(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at, delivered_at)
       select ?, ?, k.id, 'email', row_number() over (order by k.email), k.email, 'delivered', '2026-01-15T09:00:00Z', '2026-01-15T09:00:05Z'
         from contacts k where k.company_id = ? and k.attributes @> '{"retailer": true}'`,
      [acme.id, ret, acme.id],
    );
    const c1 = (await sql.raw<{ rows: { id: string }[] }>(`select r.id from campaign_recipients r join contacts k on k.id = r.contact_id where r.campaign_id = ? and k.email = 'c1@an-acme.example'`, [ret])).rows[0]!.id;
    await conversions(acme, ret, [{ type: 'sale', value: '8500', day: '2026-01-16', recipientId: Number(c1) }]);
  });

  it('shows retailer names to a role with pii:read and only the figures to one without', async () => {
    const full = await api.manager.get(`/api/analytics/breakdowns/retailer?${JANUARY}`);
    expect(full.status).toBe(200);
    expect(full.body.items[0]).toMatchObject({ label: 'Retailer c1@an-acme.example', region: 'Central', masked: false });
    expect(full.body.items[0].metrics.money.revenue).toBe('8500.00');
    const masked = await api.analyst.get(`/api/analytics/breakdowns/retailer?${JANUARY}`);
    expect(masked.body.items).toHaveLength(3);
    expect(masked.body.items.every((i: { label: string | null; masked: boolean }) => i.label === null && i.masked)).toBe(true);
    expect(masked.body.items[0].metrics.money.revenue).toBe('8500.00');
    expect(JSON.stringify(masked.body)).not.toContain('an-acme.example');
  });

  it('ranks the retailer leaderboard by click rate when asked (seed 004)', async () => {
    const c2 = (await sql.raw<{ rows: { id: string }[] }>(
      `select r.id from campaign_recipients r join contacts k on k.id = r.contact_id join campaigns c on c.id = r.campaign_id where c.name = 'Retail push' and k.email = 'c2@an-acme.example'`,
    )).rows[0]!.id;
    await sql.raw(
      `insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, idempotency_key, source, occurred_at)
       select company_id, campaign_id, id, 'email', 'clicked', 0, 'retail-click', 'test', '2026-01-16T10:00:00Z' from campaign_recipients where id = ?`,
      [c2],
    );
    const byRevenue = await api.manager.get(`/api/analytics/breakdowns/retailer?${JANUARY}`);
    const byClicks = await api.manager.get(`/api/analytics/breakdowns/retailer?${JANUARY}&rank=clickRate`);
    expect(byRevenue.body.items[0].label).toBe('Retailer c1@an-acme.example');
    expect(byClicks.body.items[0]).toMatchObject({ label: 'Retailer c2@an-acme.example', metrics: { engagement: { clickRate: 100 } } });
    expect((await api.manager.get(`/api/analytics/breakdowns/retailer?rank=opens`)).status).toBe(422);
  });

  it('exports retailer figures without names for an analyst', async () => {
    const res = await app.request(`/api/analytics/export/retailer?${JANUARY}`, { headers: { authorization: `Bearer ${(await signIn(app, acme.users.analyst.email)).token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('an-acme.example');
    const [header, first] = parseCsv(text).map((r) => r.fields);
    expect(header!.slice(0, 3)).toEqual(['contactId', 'name', 'region']);
    expect(first![1]).toBe('');
    expect(first![header!.indexOf('revenue')]).toBe('8500.00');
  });
});

describe('CSV export', () => {
  const csv = async (role: 'manager' | 'analyst' | 'approver', path: string) => {
    const token = (await signIn(app, acme.users[role].email)).token;
    const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
  };

  it('exports the campaign overview with the same figures as the screen, formula cells neutralised', async () => {
    const res = await csv('analyst', `/api/analytics/export/campaigns?${JANUARY}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.disposition).toContain('herald-campaigns-2026-01-01_2026-01-31.csv');
    const rows = parseCsv(res.text).map((r) => r.fields);
    const header = rows[0]!;
    const byName = Object.fromEntries(rows.slice(1).map((r) => [r[header.indexOf('name')], r]));
    expect(byName['January SMS Blast']![header.indexOf('roiPercent')]).toBe('260');
    expect(byName['January SMS Blast']![header.indexOf('revenue')]).toBe('18000.00');
    expect(byName[`'=HYPERLINK("http://evil.example","x")`]).toBeDefined();
    expect(res.text).not.toMatch(/(^|,|")=HYPERLINK/m);
  });

  it('exports one campaign’s funnel and refuses a campaign view without exactly one campaign', async () => {
    const ok = await csv('manager', `/api/analytics/export/campaign-funnel?campaign=${ids.ads}`);
    expect(ok.status).toBe(200);
    const rows = parseCsv(ok.text).map((r) => r.fields);
    expect(rows).toContainEqual(['journey', 'intent', '30', 'true', '25', '90', '75']);
    // Nothing feeds opportunities for a tracked-only campaign: skipped, not a 0 % bottleneck.
    expect(rows).toContainEqual(['performance', 'opportunities', '0', 'false', '', '', '']);
    const bad = await csv('manager', `/api/analytics/export/campaign-funnel`);
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.text).error.details.issues[0].field).toBe('query.campaign');
  });

  it('is refused to a role that may read analytics but not export them', async () => {
    const res = await csv('approver', `/api/analytics/export/campaigns`);
    expect(res.status).toBe(403);
  });
});

describe('the PDF campaign report', () => {
  it("holds the campaign's figures", async () => {
    const token = (await signIn(app, acme.users.analyst.email)).token;
    const res = await app.request(`/api/analytics/campaigns/${ids.sms}/report.pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf).join('\n');
    expect(text).toContain('January SMS Blast');
    for (const figure of ['41.67 USD', '260.0 %', '72.2 %', '10.0 %', '18000.00 USD', '13000.00 USD', '104.0 %']) expect(text).toContain(figure);
  });
});

describe('tenancy, permissions and bad input', () => {
  it("answers 404 for another company's campaign, on every campaign route", async () => {
    expect((await api.manager.get(`/api/analytics/campaigns/${ids.rival}`)).status).toBe(404);
    expect((await api.manager.get(`/api/analytics/campaigns/${ids.rival}/report.pdf`)).status).toBe(404);
    const exp = await api.manager.get(`/api/analytics/export/campaign-daily?campaign=${ids.rival}`);
    expect(exp.status).toBe(404);
  });

  it("shows nothing of another company's campaign when it is named in a filter", async () => {
    const res = await api.manager.get(`/api/analytics/summary?${JANUARY}&campaign=${ids.rival}`);
    expect(res.body.kpis.revenue.value).toBe('0.00');
    expect(res.body.kpis.budget.value).toBe('0.00');
  });

  it('lets a viewer read the figures, but neither export them nor see retailer names', async () => {
    const summary = await api.viewer.get(`/api/analytics/summary?${JANUARY}`);
    expect(summary.status).toBe(200);
    expect(summary.body.kpis.revenue.value).toBe((await api.manager.get(`/api/analytics/summary?${JANUARY}`)).body.kpis.revenue.value);
    expect((await api.viewer.get(`/api/analytics/export/campaigns?${JANUARY}`)).status).toBe(403);
    expect((await api.viewer.get(`/api/analytics/campaigns/${ids.sms}/report.pdf`)).status).toBe(403);
    const retailers = await api.viewer.get(`/api/analytics/breakdowns/retailer?${JANUARY}`);
    expect(retailers.status).toBe(200);
    expect(JSON.stringify(retailers.body)).not.toContain('Retailer ');
  });

  it('names the field of each bad value with a 422', async () => {
    const field = async (q: string) => {
      const res = await api.analyst.get(`/api/analytics/summary?${q}`);
      expect(res.status, q).toBe(422);
      return res.body.error.details.issues[0].field;
    };
    expect(await field('from=2026-02-30')).toBe('query.from');
    expect(await field('from=yesterday')).toBe('query.from');
    expect(await field('from=2026-02-01&to=2026-01-01')).toBe('query.to');
    expect(await field('channel=email,fax')).toBe('query.channel');
    expect(await field('campaign=not-a-uuid')).toBe('query.campaign');
    expect(await field('team=1')).toBe('query.team');
    expect(await field('region=East%00')).toBe('query.region');
    expect(await field('from=1900-01-01&to=2026-01-01')).toBe('query.from');
    expect(await field('from=0001-01-01&to=0001-01-10')).toBe('query.from');
    const heat = await api.analyst.get(`/api/analytics/heatmap?region=East`);
    expect(heat.status).toBe(422);
    expect(heat.body.error.details.issues[0].field).toBe('query.region');
    expect((await api.analyst.get(`/api/analytics/breakdowns/country`)).status).toBe(422);
    expect((await api.analyst.get(`/api/analytics/timeseries?granularity=hour`)).status).toBe(422);
  });
});
