/**
 * The analytics data set of bench:analytics and bench:analytics-console: `events` message events
 * over `campaigns` campaigns of one company (slug bench-analytics) — 5 per message: delivered, two
 * opens (one a repeat), two clicks or a soft bounce — their recipients, 1 % converting, 0.5 %
 * ordering, spend per campaign and tracked paid-ads days for a tenth of them. Everything is written
 * by set-based INSERTs into the real fact tables, so the rollups are built by the real triggers.
 * Campaign i starts `start` + (i mod 90) days and runs 14 days; its events fall within those 14 days
 * (so the data spans `start` to `start` + 104 days). The 8 users it creates have the password hash
 * 'x' (no one can sign in as them).
 */
import type pg from 'pg';

export interface GenerateOptions {
  /** Message events to write (rounded up to whole messages per campaign). */
  events: number;
  campaigns: number;
  /** The first campaign's start (a timestamptz literal); default 2026-07-01. */
  start?: string;
  /** One line per step (rows and seconds); default console.log. */
  log?: (line: string) => void;
}

/** Messages per campaign for `events` events (5 per message). */
export const messagesPerCampaign = (events: number, campaigns: number) => Math.ceil(events / 5 / campaigns);

const CONTACTS = 100_000;
const CHUNK = 50; // campaigns per INSERT statement

const fmtN = (n: number) => n.toLocaleString('en');

export async function generate(db: pg.Client, opts: GenerateOptions): Promise<{ companyId: string; campaignIds: string[] }> {
  const CAMPAIGNS = opts.campaigns;
  const PER_CAMPAIGN = messagesPerCampaign(opts.events, opts.campaigns);
  const log = opts.log ?? ((line: string) => console.log(line));
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const res = await db.query(sql, params);
    log(`  ${label.padEnd(44)} ${fmtN(res.rowCount ?? 0).padStart(12)} rows  ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
    return res;
  };
  const company = (
    await db.query(`insert into companies (name, slug, time_zone, channel_costs) values ('Bench analytics', 'bench-analytics', 'UTC', '{"email": "0.0010", "sms": "0.0075"}') returning id`)
  ).rows[0].id as string;
  await db.query(`insert into teams (company_id, name) select $1, 'Team ' || i from generate_series(1, 4) i`, [company]);
  await db.query(
    `insert into users (company_id, email, name, password_hash, role, team_id)
     select $1, 'user' || i || '@bench.example', 'User ' || i, 'x', 'manager', (select id from teams where company_id = $1 order by name offset (i % 4) limit 1)
     from generate_series(1, 8) i`,
    [company],
  );
  await step(
    'contacts (5 regions, 50 retailers)',
    `insert into contacts (company_id, email, region, attributes)
     select $1, 'c' || i || '@bench.example', (array['East','West','Central','North','South'])[1 + i % 5],
            case when i <= 50 then jsonb_build_object('retailer', true, 'retailer_name', 'Retailer ' || i) else '{}'::jsonb end
     from generate_series(1, $2::int) i`,
    [company, CONTACTS],
  );
  await step(
    'campaigns (email and sms, half with A/B)',
    `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, variants, created_by_id)
     select $1, 'B-' || i, 'Bench ' || i, 'promotional', case when i % 4 = 0 then 'sms' else 'email' end,
            array[case when i % 4 = 0 then 'sms' else 'email' end], 'completed',
            $3::timestamptz + make_interval(days => i % 90), $3::timestamptz + make_interval(days => i % 90 + 14), 'USD', 5000,
            case when i % 2 = 0 then '[{"key":"A","split":50},{"key":"B","split":50}]'::jsonb else '[]'::jsonb end,
            (select id from users where company_id = $1 order by email offset (i % 8) limit 1)
     from generate_series(1, $2::int) i`,
    [company, CAMPAIGNS, opts.start ?? '2026-07-01'],
  );
  const campaignIds = (await db.query(`select id from campaigns where company_id = $1 order by code`, [company])).rows.map((r) => r.id as string);
  await db.query(`create temporary table bench_contacts as select id, row_number() over (order by email) as rn, email from contacts where company_id = $1`, [company]);
  await db.query(`create index on bench_contacts (rn)`);
  for (let from = 0; from < CAMPAIGNS; from += CHUNK) {
    const ids = campaignIds.slice(from, from + CHUNK);
    await step(
      `recipients, campaigns ${from + 1}-${from + ids.length}`,
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, variant, status, sent_at, delivered_at, updated_at, attempts)
       select $1, c.id, k.id, c.primary_channel, s, k.email,
              case when c.variants <> '[]' then case when s % 2 = 0 then 'A' else 'B' end end,
              case when h % 100 < 2 then 'bounced' when h % 100 < 3 then 'failed' else 'delivered' end,
              c.start_at + make_interval(secs => s), case when h % 100 >= 3 then c.start_at + make_interval(secs => s + 5) end, c.start_at + make_interval(secs => s + 5), 1
       from (select id, primary_channel, variants, start_at, row_number() over (order by code) + $4::int as n from campaigns where id = any($2::uuid[])) c
       cross join generate_series(1, $3::int) s
       cross join lateral (select hashint8extended(c.n * 100000 + s, 7) & 2147483647 as h) x
       join bench_contacts k on k.rn = 1 + (c.n * 7919 + s) % ${CONTACTS}`,
      [company, ids, PER_CAMPAIGN, from],
    );
  }
  for (let from = 0; from < CAMPAIGNS; from += CHUNK) {
    const ids = campaignIds.slice(from, from + CHUNK);
    await step(
      `events, campaigns ${from + 1}-${from + ids.length}`,
      `insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, url, automated, idempotency_key, source, metadata, occurred_at)
       select r.company_id, r.campaign_id, r.id, r.channel, e.type, e.link, case when e.link is not null then 'https://bench.example/' || e.link end, false,
              'b:' || r.id || ':' || n, 'bench', case when e.repeat then '{"repeat": true}'::jsonb else '{}'::jsonb end,
              r.sent_at + make_interval(mins => (h % 20160)::int + n * 7)
       from campaign_recipients r
       cross join generate_series(1, 5) n
       cross join lateral (select hashint8extended(r.id, 11) & 2147483647 as h) x
       cross join lateral (select case n when 1 then 'delivered' when 2 then 'opened' when 3 then 'opened' when 4 then 'clicked'
                                         else case when h % 20 = 0 then 'bounced_soft' else 'clicked' end end as type,
                                  case when n = 4 then (h % 3)::smallint when n = 5 and h % 20 <> 0 then ((h + 1) % 3)::smallint end as link,
                                  n = 3 as repeat) e
       where r.campaign_id = any($1::uuid[])`,
      [ids],
    );
  }
  await step(
    'conversions (1 % of messages, a fifth leads)',
    `insert into conversions (company_id, campaign_id, contact_id, recipient_id, channel, variant, type, value, currency, external_id, source, occurred_at, lead_stage)
     select r.company_id, r.campaign_id, r.contact_id, r.id, r.channel, r.variant, case when r.id % 5 = 0 then 'lead' else 'sale' end,
            case when r.id % 5 = 0 then 0 else 20 + r.id % 500 end, 'USD', 'bc-' || r.id, 'bench', r.sent_at + interval '2 days',
            case when r.id % 5 = 0 then (array['new','qualified','hot','opportunity','won','lost'])[1 + r.id % 6] end
     from campaign_recipients r where r.company_id = $1 and r.id % 100 = 0`,
    [company],
  );
  await step(
    'orders (0.5 % of messages)',
    `insert into orders (company_id, campaign_id, contact_id, recipient_id, channel, external_id, order_value, currency, status, ordered_at)
     select r.company_id, r.campaign_id, r.contact_id, r.id, r.channel, 'bo-' || r.id, 50 + r.id % 300, 'USD', case when r.id % 7 = 0 then 'refunded' else 'completed' end, r.sent_at + interval '3 days'
     from campaign_recipients r where r.company_id = $1 and r.id % 200 = 1`,
    [company],
  );
  await step(
    'spend entries (one per campaign)',
    `insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) select company_id, id, 100 + (hashtext(code) & 1023), 'USD', 'media', start_at::date from campaigns where company_id = $1`,
    [company],
  );
  await step(
    'tracked paid-ads days (a tenth of the campaigns)',
    `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, leads, qualified_leads, conversions, revenue, spend, source)
     select c.company_id, c.id, 'paid_ads', c.start_at::date + d, 10000 + d * 100, 8000 + d * 50, 300 + d, 20, 8, 3, 450, 250, 'api'
     from campaigns c cross join generate_series(0, 13) d where c.company_id = $1 and hashtext(c.code) % 10 = 0`,
    [company],
  );
  const t0 = performance.now();
  await db.query('vacuum analyze');
  log(`  ${'vacuum analyze'.padEnd(44)} ${''.padStart(12)}       ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
  return { companyId: company, campaignIds };
}
