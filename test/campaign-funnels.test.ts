/**
 * Seed 000's campaign_funnels, a view over the rollups the fact triggers keep: a campaign with known
 * sends, deliveries, clicks, leads, opportunities and conversions (plus a paid-ads line reporting its
 * own impressions, reach and clicks) gives exactly those stage counts per day, week and month, in
 * the table and through GET /api/analytics/campaigns/{id}/funnels; a new fact shows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { createApp } from '../api/app.ts';
import { CampaignFunnelSchema } from '../db/entities/index.ts';
import { forkForCompany } from '../db/tenant.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let sql: Knex;
let co: ApiCompany;
let rival: ApiCompany;
let analyst: ReturnType<typeof as>;
let campaignId: string;
let recipients: number[];

const STAGES = ['impressions', 'reach', 'engagement', 'leads', 'opportunities', 'conversions'] as const;
type Stages = [number, number, number, number, number, number];

async function rows(period: string) {
  const res = await sql.raw<{ rows: Record<string, string>[] }>(
    `select to_char(period_start, 'YYYY-MM-DD') as start, to_char(period_end, 'YYYY-MM-DD') as "end", name, ${STAGES.join(', ')}
       from campaign_funnels where campaign_id = ? and period = ? order by period_start`,
    [campaignId, period],
  );
  return res.rows.map((r) => [r.start, r.end, STAGES.map((s) => Number(r[s]))] as [string, string, number[]]);
}

beforeAll(async () => {
  t = await createTestDeps();
  const app = createApp(t.deps);
  sql = t.deps.orm.em.getKnex();
  co = await createApiCompany(t.deps.orm, 'funnel-co');
  rival = await createApiCompany(t.deps.orm, 'funnel-rival');
  analyst = as(app, (await signIn(app, co.users.analyst.email)).token);
  await addContacts(t.deps.orm, co.id, 'funnel-co', 1, 30);
  campaignId = (
    await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, 'FUNNEL-1', 'Winter funnel', 'promotional', 'email', '{email,paid_ads}', 'completed', '2026-01-29T00:00:00Z', '2026-02-10T00:00:00Z', 'USD', 1000, ?) returning id`,
      [co.id, co.users.manager.id],
    )
  ).rows[0]!.id;
  // Sends: Fri 30 Jan 20 (18 delivered), Sat 31 Jan 6 (5), Mon 2 Feb 4 (4).
  await sql.raw(
    `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at, delivered_at)
     select ?, ?, k.id, 'email', k.n, k.email, case when k.d then 'delivered' else 'sent' end, k.day + time '09:00', case when k.d then k.day + time '09:05' end
       from (select c.id, c.email, row_number() over (order by c.email) as n from contacts c where c.company_id = ?) c0
       cross join lateral (select c0.id, c0.email, c0.n,
                                  case when c0.n <= 20 then date '2026-01-30' when c0.n <= 26 then date '2026-01-31' else date '2026-02-02' end as day,
                                  c0.n not in (19, 20, 26) as d) k`,
    [co.id, campaignId, co.id],
  );
  recipients = (await sql.raw<{ rows: { id: string }[] }>(`select id from campaign_recipients where campaign_id = ? order by seq`, [campaignId])).rows.map((r) => Number(r.id));
  // Clicks: 6 messages clicked on 30 Jan (2 of them twice), 2 on 2 Feb; opens are not a stage.
  const events: [number, string, string][] = [
    ...recipients.slice(0, 6).map((r) => [r, 'clicked', '2026-01-30'] as [number, string, string]),
    ...recipients.slice(0, 2).map((r) => [r, 'clicked', '2026-01-30'] as [number, string, string]),
    ...recipients.slice(0, 15).map((r) => [r, 'opened', '2026-01-30'] as [number, string, string]),
    ...recipients.slice(26, 28).map((r) => [r, 'clicked', '2026-02-02'] as [number, string, string]),
  ];
  await sql.raw(
    `insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, automated, idempotency_key, source, occurred_at)
     select ?, ?, (x.v->>0)::bigint, 'email', (x.v->>1)::text, case when x.v->>1 = 'clicked' then 0 end, false, 'f' || x.n, 'test', ((x.v->>2) || 'T14:00:00Z')::timestamptz
       from jsonb_array_elements(?::jsonb) with ordinality as x(v, n)`,
    [co.id, campaignId, JSON.stringify(events)],
  );
  // Leads (2 of them opportunities) and conversions.
  const facts = [
    ['lead', 'new', '2026-01-30'],
    ['lead', 'qualified', '2026-01-30'],
    ['lead', 'opportunity', '2026-01-30'],
    ['lead', 'won', '2026-01-31'],
    ['sale', null, '2026-01-31'],
    ['lead', 'new', '2026-02-02'],
    ['signup', null, '2026-02-02'],
  ];
  await sql.raw(
    `insert into conversions (company_id, campaign_id, channel, type, lead_stage, value, currency, external_id, source, occurred_at)
     select ?, ?, 'email', x->>0, x->>1, 10, 'USD', gen_random_uuid()::text, 'test', ((x->>2) || 'T16:00:00Z')::timestamptz
       from jsonb_array_elements(?::jsonb) x`,
    [co.id, campaignId, JSON.stringify(facts)],
  );
  // The same campaign's paid-ads line reports its own impressions, reach and (raw) clicks.
  await sql.raw(
    `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, source) values (?, ?, 'paid_ads', '2026-01-30', 1000, 800, 50, 'api')`,
    [co.id, campaignId],
  );
});
afterAll(async () => {
  await t?.close();
});

describe('campaign_funnels', () => {
  it('holds exactly the known stage counts per day, week (from Monday) and month', async () => {
    expect(await rows('day')).toEqual([
      ['2026-01-30', '2026-01-30', [20 + 1000, 18 + 800, 6 + 50, 3, 1, 0]],
      ['2026-01-31', '2026-01-31', [6, 5, 0, 1, 1, 1]],
      ['2026-02-02', '2026-02-02', [4, 4, 2, 1, 0, 1]],
    ]);
    expect(await rows('week')).toEqual([
      ['2026-01-26', '2026-02-01', [1026, 823, 56, 4, 2, 1]],
      ['2026-02-02', '2026-02-08', [4, 4, 2, 1, 0, 1]],
    ]);
    expect(await rows('month')).toEqual([
      ['2026-01-01', '2026-01-31', [1026, 823, 56, 4, 2, 1]],
      ['2026-02-01', '2026-02-28', [4, 4, 2, 1, 0, 1]],
    ]);
    const names = await sql.raw<{ rows: { name: string }[] }>(`select distinct name from campaign_funnels where campaign_id = ?`, [campaignId]);
    expect(names.rows).toEqual([{ name: 'performance' }]);
  });

  it('follows a new fact at once, in the transaction that stored it (no refresh)', async () => {
    await sql.transaction(async (tx) => {
      await tx.raw(
        `insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, automated, idempotency_key, source, occurred_at)
         values (?, ?, ?, 'email', 'clicked', 0, false, 'late-click', 'test', '2026-02-03T10:00:00Z')`,
        [co.id, campaignId, recipients[28]!],
      );
      const week = await tx.raw<{ rows: { engagement: string }[] }>(`select engagement from campaign_funnels where campaign_id = ? and period = 'week' and period_start = '2026-02-02'`, [campaignId]);
      expect(week.rows[0]!.engagement).toBe('3');
    });
    expect((await rows('month'))[1]![2]).toEqual([4, 4, 3, 1, 0, 1]);
  });

  it('is read through its entity under the tenant filter, and refuses writes', async () => {
    const mine = await forkForCompany(t.deps.orm.em, co.id).find(CampaignFunnelSchema, { campaign: campaignId, period: 'month' }, { orderBy: { periodStart: 'asc' } });
    expect(mine.map((f) => [f.periodStart, f.leads, f.conversions])).toEqual([
      ['2026-01-01', 4, 1],
      ['2026-02-01', 1, 1],
    ]);
    expect(await forkForCompany(t.deps.orm.em, rival.id).find(CampaignFunnelSchema, { campaign: campaignId })).toEqual([]);
    await expect(sql.raw(`insert into campaign_funnels (company_id, campaign_id, name, period, period_start, period_end) values (?, ?, 'x', 'day', '2026-01-01', '2026-01-01')`, [co.id, campaignId])).rejects.toThrow(/view/);
  });
});

describe('GET /api/analytics/campaigns/{id}/funnels', () => {
  const counts = (f: { stages: { count: number }[] }) => f.stages.map((s) => s.count) as Stages;

  it('answers the view per period with the funnel analysis, and agrees with the campaign page', async () => {
    const res = await analyst.get(`/api/analytics/campaigns/${campaignId}/funnels?granularity=week`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.granularity).toBe('week');
    expect(res.body.periods.map((p: { periodStart: string; periodEnd: string; funnel: { stages: { count: number }[] } }) => [p.periodStart, p.periodEnd, counts(p.funnel)])).toEqual([
      ['2026-01-26', '2026-02-01', [1026, 823, 56, 4, 2, 1]],
      ['2026-02-02', '2026-02-08', [4, 4, 3, 1, 0, 1]],
    ]);
    const first = res.body.periods[0].funnel;
    expect(first.stages.map((s: { key: string }) => s.key)).toEqual([...STAGES]);
    expect(first.stages.map((s: { rateFromPrevious: number | null }) => s.rateFromPrevious)).toEqual([null, 80.21, 6.8, 7.14, 50, 50]);
    expect(first.bottleneck).toEqual({ stage: 'engagement', rateFromPrevious: 6.8 });

    const days = await analyst.get(`/api/analytics/campaigns/${campaignId}/funnels?granularity=day&from=2026-01-31&to=2026-02-02`);
    expect(days.body.periods.map((p: { periodStart: string }) => p.periodStart)).toEqual(['2026-01-31', '2026-02-02']);
    // A range keeps the months that overlap it, whole.
    const months = await analyst.get(`/api/analytics/campaigns/${campaignId}/funnels?from=2026-01-31&to=2026-01-31`);
    expect(months.body.periods.map((p: { periodStart: string; funnel: { stages: { count: number }[] } }) => [p.periodStart, counts(p.funnel)])).toEqual([['2026-01-01', [1026, 823, 56, 4, 2, 1]]]);

    const page = await analyst.get(`/api/analytics/campaigns/${campaignId}`);
    expect(counts(page.body.funnels.performance)).toEqual([1030, 827, 59, 5, 2, 2]);
    const all = (await analyst.get(`/api/analytics/campaigns/${campaignId}/funnels?granularity=month`)).body.periods as { funnel: { stages: { count: number }[] } }[];
    expect(all.map((p) => counts(p.funnel)).reduce((a, b) => a.map((v, i) => v + b[i]!) as Stages)).toEqual([1030, 827, 59, 5, 2, 2]);
  });

  it('names a bad granularity or date, and answers 404 for an unknown campaign', async () => {
    const bad = await analyst.get(`/api/analytics/campaigns/${campaignId}/funnels?granularity=year&from=2026-02-30`);
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.issues.map((i: { field: string }) => i.field).join(' ');
    expect(fields).toMatch(/granularity/);
    expect(fields).toMatch(/from/);
    expect((await analyst.get(`/api/analytics/campaigns/${crypto.randomUUID()}/funnels`)).status).toBe(404);
  });
});
