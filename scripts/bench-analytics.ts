/**
 * `npm run bench:analytics [-- --events 10000000 --campaigns 1000 --runs 30 --raw-runs 3 --skip-overhead]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:analytics`: never two benchmarks at once)
 *
 * Dashboard questions answered from the rollups (db/repositories/analytics.ts readFacts) against
 * the same questions answered by a plain GROUP BY over the fact tables (analytics-raw.ts), in the
 * same run, on the same data, in a throw-away embedded PostgreSQL:
 *   summary   one campaign's totals (a random campaign each call)
 *   funnel    the company's totals: impressions → reach → opens → clicks → leads → conversions
 *   series    the company's figures per day over 90 days
 *   channels  the company's figures per channel
 * Data: `--events` message events over `--campaigns` campaigns (5 per message: delivered, two opens
 * (one a repeat), two clicks or a soft bounce), their recipients, 1 % converting, 0.5 % ordering,
 * spend per campaign and tracked paid-ads days for a tenth of them. Everything is written by
 * set-based INSERTs into the real fact tables, so the rollups are built by the real triggers; the
 * generation time includes them. Before timing, the rollup totals must equal the raw totals.
 * Rollup lag: a conversion is committed on one connection and read through readFacts on another
 * at once; the rollup row is written in the fact's own transaction, so the first read must see it.
 * Last, what the triggers add to the send and tracking write statements (bench/rollup-overhead.ts;
 * `--skip-overhead` leaves it out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { initOrm } from '../db/orm.ts';
import { readFacts, type FactDimension, type FactFilter } from '../db/repositories/analytics.ts';
import { rawFacts, type RawDimension } from '../db/repositories/analytics-raw.ts';
import { startEmbeddedPostgres } from './lib/postgres.ts';
import { freePort } from './lib/ports.ts';
import { measureOverhead } from './bench/rollup-overhead.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    campaigns: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '30' },
    'raw-runs': { type: 'string', default: '3' },
    /** Skip measuring what the rollup triggers cost the send and tracking write statements (A/B). */
    'skip-overhead': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const CAMPAIGNS = Number(values.campaigns);
const RUNS = Number(values.runs);
const RAW_RUNS = Number(values['raw-runs']);
const PER_CAMPAIGN = Math.ceil(EVENTS / 5 / CAMPAIGNS);
const CONTACTS = 100_000;
const CHUNK = 50; // campaigns per INSERT statement

const fmtN = (n: number) => n.toLocaleString('en');
const ms = (t: number) => `${t.toFixed(1)} ms`;

function stats(times: number[]): { p50: number; p95: number } {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function generate(db: pg.Client): Promise<{ companyId: string; campaignIds: string[] }> {
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const res = await db.query(sql, params);
    console.log(`  ${label.padEnd(44)} ${fmtN(res.rowCount ?? 0).padStart(12)} rows  ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
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
            timestamptz '2026-07-01' + make_interval(days => i % 90), timestamptz '2026-07-01' + make_interval(days => i % 90 + 14), 'USD', 5000,
            case when i % 2 = 0 then '[{"key":"A","split":50},{"key":"B","split":50}]'::jsonb else '[]'::jsonb end,
            (select id from users where company_id = $1 order by email offset (i % 8) limit 1)
     from generate_series(1, $2::int) i`,
    [company, CAMPAIGNS],
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
  console.log(`  ${'vacuum analyze'.padEnd(44)} ${''.padStart(12)}       ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
  return { companyId: company, campaignIds };
}

interface Question {
  name: string;
  filter: () => FactFilter;
  groupBy: RawDimension[];
  rawRuns: number;
}

let url = process.env.DATABASE_URL;
let stopPg = async () => {};
if (!url) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-analytics-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  url = server.url('postgres');
  stopPg = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
} else {
  console.log('DATABASE_URL is set: this benchmark writes a company of its own there (slug bench-analytics) and does not remove it');
}

try {
  const orm = await initOrm({ clientUrl: url, migrate: true, poolMax: 3 });
  const sql = orm.em.getKnex();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`generating ${fmtN(PER_CAMPAIGN * 5 * CAMPAIGNS)} events over ${fmtN(CAMPAIGNS)} campaigns (${fmtN(PER_CAMPAIGN)} messages each), rollups built by the fact tables' triggers:`);
  const genStart = performance.now();
  const { companyId, campaignIds } = await generate(db);
  const genSeconds = (performance.now() - genStart) / 1000;
  const counted = Number((await db.query('select count(*) as n from message_events where company_id = $1', [companyId])).rows[0].n);
  const rollupRows = Number((await db.query(`select count(*) as n from campaign_performance_metrics where company_id = $1`, [companyId])).rows[0].n);
  console.log(`generation: ${fmtN(counted)} events in ${genSeconds.toFixed(0)} s (${fmtN(Math.round(counted / genSeconds))} events/s with their rollups); ${fmtN(rollupRows)} campaign × channel × variant × day rollup rows`);

  // The rollups must answer what the facts say before any figure counts.
  const check = await readFacts(sql, { companyId }, ['channel']);
  const truth = await rawFacts(sql, { companyId }, ['channel']);
  if (JSON.stringify(check) !== JSON.stringify(truth)) {
    console.log('INVALID: the rollups disagree with the facts', JSON.stringify({ check, truth }, null, 1));
    process.exitCode = 1;
  } else console.log(`check: rollup totals per channel equal the raw GROUP BY (${check.map((r) => `${r.keys.channel} sent ${fmtN(r.sent)}, opens ${fmtN(r.opens)}, revenue ${r.revenue}`).join('; ')})`);

  const pick = () => campaignIds[Math.floor(Math.random() * campaignIds.length)]!;
  const questions: Question[] = [
    { name: 'campaign summary (one campaign)', filter: () => ({ companyId, campaignIds: [pick()] }), groupBy: [], rawRuns: Math.max(RAW_RUNS, 10) },
    { name: 'funnel (company totals)', filter: () => ({ companyId }), groupBy: [], rawRuns: RAW_RUNS },
    { name: 'time series (per day, 90 days)', filter: () => ({ companyId, from: '2026-07-01', to: '2026-09-28' }), groupBy: ['day'], rawRuns: RAW_RUNS },
    { name: 'channel comparison', filter: () => ({ companyId }), groupBy: ['channel'], rawRuns: RAW_RUNS },
  ];
  console.log(`\n${'question'.padEnd(34)}${'rollup p50'.padStart(12)}${'rollup p95'.padStart(12)}${'raw p50'.padStart(12)}${'raw p95'.padStart(12)}${'ratio p50'.padStart(11)}   runs`);
  const verdicts: string[] = [];
  for (const q of questions) {
    await readFacts(sql, q.filter(), q.groupBy as FactDimension[]); // warm-up
    const rollup: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await readFacts(sql, q.filter(), q.groupBy as FactDimension[]);
      rollup.push(performance.now() - t0);
    }
    const raw: number[] = [];
    for (let i = 0; i < q.rawRuns; i++) {
      const t0 = performance.now();
      await rawFacts(sql, q.filter(), q.groupBy);
      raw.push(performance.now() - t0);
    }
    const r = stats(rollup);
    const w = stats(raw);
    const ratio = w.p50 / r.p50;
    console.log(`${q.name.padEnd(34)}${ms(r.p50).padStart(12)}${ms(r.p95).padStart(12)}${ms(w.p50).padStart(12)}${ms(w.p95).padStart(12)}${`${ratio.toFixed(0)}×`.padStart(11)}   ${RUNS}/${q.rawRuns}`);
    verdicts.push(`${q.name}: p95 ${r.p95 < 50 ? 'met' : 'NOT met'} (< 50 ms), ${ratio >= 20 ? 'met' : 'NOT met'} (≥ 20× raw)`);
  }
  console.log(`\ntargets: ${verdicts.join('; ')}`);

  // Rollup lag: commit on one connection, read on another straight away.
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  let seen = 0;
  const trials = 20;
  for (let i = 0; i < trials; i++) {
    const campaign = pick();
    const before = (await readFacts(sql, { companyId, campaignIds: [campaign] }, []))[0]!.conversions;
    await writer.query(
      `insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at) values ($1, $2, 'sale', 1, 'USD', $3, 'bench', now())`,
      [companyId, campaign, `lag-${i}`],
    );
    const after = (await readFacts(sql, { companyId, campaignIds: [campaign] }, []))[0]!.conversions;
    if (after === before + 1) seen++;
  }
  await writer.end();
  console.log(`rollup lag: ${seen}/${trials} conversions visible in readFacts on the first read after their commit, from another connection (the rollup row commits with the fact: lag 0)`);
  if (!values['skip-overhead']) await measureOverhead(db, sql, companyId);
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await db.end();
  await orm.close(true);
} finally {
  await stopPg();
}
