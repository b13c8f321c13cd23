/**
 * The demo seed: exactly what `npm start` writes the first time, nothing the second time, the same
 * rows on every database for the same `asOf`, and the seeds' example campaigns adding up to the
 * figures their documents print.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { DEMO_COMPANY_SLUG, DEMO_PASSWORD, SECOND_COMPANY_SLUG, demoLogins, demoLoginsOf, seedDemo } from '../db/seed/demo.ts';
import { bulkInsertContacts } from '../db/seed/bulk.ts';
import { verifyPassword } from '../domain/password.ts';

const AS_OF = new Date('2026-11-24T12:00:00Z');

let first: TestDatabase;
let second: TestDatabase;
let a: pg.Client;
let b: pg.Client;

beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  a = new pg.Client({ connectionString: first.url });
  b = new pg.Client({ connectionString: second.url });
  await Promise.all([a.connect(), b.connect()]);
});
afterAll(async () => {
  await Promise.allSettled([a?.end(), b?.end()]);
  await Promise.allSettled([first?.drop(), second?.drop()]);
});

const TABLES = [
  'teams', 'users', 'contacts', 'suppressions', 'segments', 'campaign_templates', 'campaign_budgets', 'campaigns',
  'campaign_segments', 'campaign_template_links', 'campaign_budget_allocations', 'campaign_collaborators', 'campaign_recipients',
  'message_events', 'conversions', 'orders', 'spend_entries', 'campaign_performance_metrics', 'campaign_funnels', 'approvals',
  'audit_log', 'notifications',
] as const;

async function countsBySlug(client: pg.Client): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const table of TABLES) {
    const res = await client.query<{ slug: string; n: string }>(
      `select c.slug, count(t.company_id) as n from companies c left join ${table} t on t.company_id = c.id group by c.slug`,
    );
    for (const r of res.rows) (out[r.slug] ??= {})[table] = Number(r.n);
  }
  return out;
}

const one = async (client: pg.Client, sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as Record<string, string>;

describe('seedDemo', () => {
  it('seeds two companies with exactly the expected rows, once', async () => {
    expect(await seedDemo(first.orm, { asOf: AS_OF })).toBe(true);
    expect(await seedDemo(first.orm, { asOf: AS_OF })).toBe(false);
    expect(await seedDemo(first.orm)).toBe(false);

    const slugs = (await a.query('select slug from companies order by slug')).rows.map((r: { slug: string }) => r.slug);
    expect(slugs).toEqual([DEMO_COMPANY_SLUG, SECOND_COMPANY_SLUG]);
    expect(await countsBySlug(a)).toEqual({
      [DEMO_COMPANY_SLUG]: {
        teams: 3, users: 6, contacts: 10_000, suppressions: 4_034, segments: 8, campaign_templates: 4, campaign_budgets: 6, campaigns: 6,
        campaign_segments: 6, campaign_template_links: 6, campaign_budget_allocations: 6, campaign_collaborators: 12,
        campaign_recipients: 9_150, message_events: 11_139, conversions: 132, orders: 0, spend_entries: 3,
        campaign_performance_metrics: 6, campaign_funnels: 10, approvals: 1, audit_log: 7, notifications: 3,
      },
      [SECOND_COMPANY_SLUG]: {
        teams: 2, users: 6, contacts: 1_015, suppressions: 398, segments: 3, campaign_templates: 2, campaign_budgets: 6, campaigns: 4,
        campaign_segments: 4, campaign_template_links: 4, campaign_budget_allocations: 5, campaign_collaborators: 8,
        campaign_recipients: 15, message_events: 25, conversions: 13, orders: 9, spend_entries: 7,
        campaign_performance_metrics: 20, campaign_funnels: 31, approvals: 3, audit_log: 7, notifications: 2,
      },
    });
    // campaign_funnels is a view: one row per campaign and day, Monday week and month with rollups.
    const periods = await one(
      a,
      `select count(distinct (campaign_id, period_start)) + count(distinct (campaign_id, date_trunc('week', period_start))) + count(distinct (campaign_id, date_trunc('month', period_start))) as n
         from campaign_performance_metrics where period = 'day'`,
    );
    expect(Number(periods.n)).toBe(10 + 31);
    // A second run changed nothing.
    expect(Number((await one(a, 'select count(*) as n from contacts')).n)).toBe(11_015);
  });

  it('gives every role a login in each company, with the demo password', async () => {
    const users = (await a.query<{ email: string; role: string; password_hash: string }>('select email, role, password_hash from users order by email')).rows;
    const expected = [...demoLogins(), ...demoLoginsOf('aurelia')].map((l) => l.email).sort();
    expect(users.map((u) => u.email)).toEqual(expected);
    expect(demoLogins().map((l) => l.email)).toContain('admin@acme.example');
    expect(demoLoginsOf('aurelia').map((l) => l.email)).toContain('approver@aurelia.example');
    expect(await verifyPassword(DEMO_PASSWORD, users.find((u) => u.email === 'viewer@aurelia.example')!.password_hash)).toBe(true);
  });

  it("adds up seed 003's January SMS Blast: 120 leads, 12 sales worth 18 000, spend 5 000, ROI 260 %", async () => {
    const c = await one(a, `select id, total_budget, actual_spend, status, primary_channel from campaigns where name = 'January SMS Blast'`);
    expect(c).toMatchObject({ total_budget: '5000.0000', actual_spend: '5000.0000', status: 'completed', primary_channel: 'sms' });
    const conv = await one(
      a,
      `select count(*) filter (where type = 'sale') as sales, count(*) filter (where type = 'lead') as leads, sum(value) as revenue,
              count(distinct contact_id) filter (where type = 'sale' and contact_id in (select contact_id from conversions where type = 'lead' and campaign_id = $1)) as sales_from_leads
         from conversions where campaign_id = $1`,
      [c.id],
    );
    expect(conv).toEqual({ sales: '12', leads: '120', revenue: '18000.0000', sales_from_leads: '12' });
    const spend = await one(a, 'select sum(amount) as spend from spend_entries where campaign_id = $1', [c.id]);
    expect(spend.spend).toBe('5000.0000');
    // The seed's derived figures, computed from the rows.
    const revenue = Number(conv.revenue);
    const cost = Number(spend.spend);
    expect(((revenue - cost) / cost) * 100).toBe(260);
    expect((cost / Number(conv.leads)).toFixed(2)).toBe('41.67');
    expect((Number(conv.sales) / Number(conv.leads)) * 100).toBe(10);
    expect((((revenue - cost) / revenue) * 100).toFixed(1)).toBe('72.2');
    // The rollups and the funnel agree with the rows.
    const roll = await one(a, 'select sum(leads) as leads, sum(conversions) as conversions, sum(revenue) as revenue, sum(cost) as cost, sum(impressions) as impressions, sum(clicks) as clicks from campaign_performance_metrics where campaign_id = $1', [c.id]);
    expect(roll).toEqual({ leads: '120', conversions: '12', revenue: '18000.0000', cost: '5000.0000', impressions: '10000', clicks: '500' });
    // Seed 000's funnel for the month is the campaign_funnels view's row over those rollups.
    const funnel = await one(a, `select impressions, reach, engagement, leads, opportunities, conversions from campaign_funnels where campaign_id = $1 and period = 'month'`, [c.id]);
    expect(funnel).toEqual({ impressions: '10000', reach: '9850', engagement: '500', leads: '120', opportunities: '30', conversions: '12' });
    expect(Number((await one(a, `select count(*) as n from campaign_funnels where campaign_id = $1 and period = 'month'`, [c.id])).n)).toBe(1);
  });

  it("adds up seed 004's launch to the retailers: revenue 41 500 against spend 33 500", async () => {
    const c = await one(a, `select id, total_budget, actual_spend from campaigns where name = 'New Collection Launch'`);
    expect(c).toMatchObject({ total_budget: '75000.0000', actual_spend: '33500.0000' });
    const byRetailer = await a.query<{ retailer: string; region: string; revenue: string }>(
      `select k.attributes->>'retailer_name' as retailer, k.region,
              coalesce((select sum(value) from conversions v where v.contact_id = k.id and v.campaign_id = $1), 0)
            + coalesce((select sum(order_value) from orders o where o.contact_id = k.id and o.campaign_id = $1), 0) as revenue
         from contacts k where k.attributes @> '{"retailer": true}' order by revenue desc, retailer`,
      [c.id],
    );
    expect(byRetailer.rows).toHaveLength(15);
    expect(byRetailer.rows.slice(0, 3).map((r) => [r.retailer, Number(r.revenue)])).toEqual([
      ['Cartier Rodeo Drive', 8_500],
      ['Betteridge NY', 7_200],
      ['Tiffany & Co Fifth Ave', 6_800],
    ]);
    const regions = byRetailer.rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.region]: (acc[r.region] ?? 0) + 1 }), {});
    expect(regions).toEqual({ East: 5, Central: 5, West: 5 });
    const revenue = byRetailer.rows.reduce((sum, r) => sum + Number(r.revenue), 0);
    expect(revenue).toBe(41_500);
    expect(Number((await one(a, 'select sum(amount) as s from spend_entries where campaign_id = $1', [c.id])).s)).toBe(33_500);
    expect(Number((await one(a, 'select sum(revenue) as r, sum(cost) as c from campaign_performance_metrics where campaign_id = $1', [c.id])).r)).toBe(41_500);
    expect((((revenue - 33_500) / 33_500) * 100).toFixed(1)).toBe('23.9');
  });

  it('writes the same rows on another database for the same asOf', async () => {
    expect(await seedDemo(second.orm, { asOf: AS_OF })).toBe(true);
    expect(await countsBySlug(b)).toEqual(await countsBySlug(a));
    const samples = [
      `select email, phone, whatsapp_number, push_token, first_name, last_name, region, time_zone, attributes, consent,
              unsubscribed_at, bounced_at, complained_at, created_at, updated_at
         from contacts order by email nulls last, phone limit 200`,
      `select email, first_name, region, attributes from contacts where company_id = (select id from companies where slug = $$${SECOND_COMPANY_SLUG}$$) order by email offset 500 limit 50`,
      `select code, name, status, approval_status, start_at, end_at, total_budget, actual_spend, target_audience_size, content, variants from campaigns order by code`,
      `select name, type, rules, last_count, counted_at from segments order by name`,
      `select external_id, type, value, occurred_at, product_category from conversions order by external_id`,
      `select seq, address, status, reason, sent_at, delivered_at from campaign_recipients order by campaign_id is null, seq, address limit 300`,
      `select type, automated, count(*) as n, min(occurred_at) as first, max(occurred_at) as last from message_events group by type, automated order by type, automated`,
      `select channel, address, reason, source from suppressions order by channel, address`,
      `select period_start, sent, delivered, opens, clicks, leads, conversions, revenue, cost from campaign_performance_metrics order by period_start, sent, cost`,
    ];
    for (const sql of samples) {
      const [x, y] = await Promise.all([a.query(sql), b.query(sql)]);
      expect(y.rows, sql).toEqual(x.rows);
    }
  });
});

describe('the large-volume generator', () => {
  it('tops a company up in set-based batches, numbering after its existing contacts', async () => {
    const company = (await one(a, `select id from companies where slug = $1`, [SECOND_COMPANY_SLUG])).id!;
    const noEmail = async () => Number((await one(a, 'select count(*) as n from contacts where company_id = $1 and email is null', [company])).n);
    const before = await noEmail();
    const result = await bulkInsertContacts({ url: first.url, companyId: company, slug: SECOND_COMPANY_SLUG, count: 2_500, batch: 1_000, parallel: 2, asOf: AS_OF });
    expect(result).toMatchObject({ inserted: 2_500, from: 1_016 });
    expect(Number((await one(a, 'select count(*) as n from contacts where company_id = $1', [company])).n)).toBe(3_515);
    // The same row numbers again: every email is taken, so only the phone-only contacts come twice; nothing fails.
    const phoneOnly = (await noEmail()) - before;
    const again = await bulkInsertContacts({ url: first.url, companyId: company, slug: SECOND_COMPANY_SLUG, count: 2_500, from: 1_016, batch: 1_000, asOf: AS_OF });
    expect(again.inserted).toBe(phoneOnly);
  });
});
