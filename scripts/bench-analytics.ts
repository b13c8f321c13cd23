/**
 * `npm run bench:analytics [-- --events 10000000 --campaigns 1000 --runs 30 --raw-runs 3 --skip-overhead --fx --fx-only]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:analytics`: never two benchmarks at once)
 *
 * Dashboard questions answered from the rollups (db/repositories/analytics.ts readFacts) against
 * the same questions answered by a plain GROUP BY over the fact tables (analytics-raw.ts), in the
 * same run, on the same data, in a throw-away embedded PostgreSQL:
 *   summary   one campaign's totals (a random campaign each call)
 *   funnel    the company's totals: impressions → reach → opens → clicks → leads → conversions
 *   series    the company's figures per day over 90 days
 *   channels  the company's figures per channel
 * Data (bench/analytics-data.ts, shared with bench:analytics-console): `--events` message events
 * over `--campaigns` campaigns (5 per message: delivered, two opens
 * (one a repeat), two clicks or a soft bounce), their recipients, 1 % converting, 0.5 % ordering,
 * spend per campaign and tracked paid-ads days for a tenth of them. Everything is written by
 * set-based INSERTs into the real fact tables, so the rollups are built by the real triggers; the
 * generation time includes them. Before timing, the rollup totals must equal the raw totals.
 * Rollup lag: a conversion is committed on one connection and read through readFacts on another
 * at once; the rollup row is written in the fact's own transaction, so the first read must see it.
 * With `--fx`, the company reads converted into the company's currency beside the same reads as
 * stored (bench/analytics-fx.ts); `--fx-only` skips the rollup-vs-raw questions and the lag (the
 * raw GROUP BY ran over 6 minutes on 3 000 campaigns). Last, what the triggers add to the send and
 * tracking write statements (bench/rollup-overhead.ts; `--skip-overhead` leaves it out).
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
import { generate, messagesPerCampaign } from './bench/analytics-data.ts';
import { measureConversion } from './bench/analytics-fx.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    campaigns: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '30' },
    'raw-runs': { type: 'string', default: '3' },
    /** Skip measuring what the rollup triggers cost the send and tracking write statements (A/B). */
    'skip-overhead': { type: 'boolean', default: false },
    /** Also time the company reads converted from a second currency, beside the same reads as stored. */
    fx: { type: 'boolean', default: false },
    /** Only the conversion reads (and the overhead unless skipped): no raw GROUP BY, no lag. */
    'fx-only': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const CAMPAIGNS = Number(values.campaigns);
const RUNS = Number(values.runs);
const RAW_RUNS = Number(values['raw-runs']);
const PER_CAMPAIGN = messagesPerCampaign(EVENTS, CAMPAIGNS);

const fmtN = (n: number) => n.toLocaleString('en');
const ms = (t: number) => `${t.toFixed(1)} ms`;

function stats(times: number[]): { p50: number; p95: number } {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
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
  const { companyId, campaignIds } = await generate(db, { events: EVENTS, campaigns: CAMPAIGNS });
  const genSeconds = (performance.now() - genStart) / 1000;
  const counted = Number((await db.query('select count(*) as n from message_events where company_id = $1', [companyId])).rows[0].n);
  const rollupRows = Number((await db.query(`select count(*) as n from campaign_performance_metrics where company_id = $1`, [companyId])).rows[0].n);
  console.log(`generation: ${fmtN(counted)} events in ${genSeconds.toFixed(0)} s (${fmtN(Math.round(counted / genSeconds))} events/s with their rollups); ${fmtN(rollupRows)} campaign × channel × variant × day rollup rows`);

  if (!values['fx-only']) await rollupVersusRaw();
  async function rollupVersusRaw() {
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
  }
  if ((values.fx || values['fx-only']) && !(await measureConversion(db, sql, companyId, RUNS))) process.exitCode = 1;
  if (!values['skip-overhead']) await measureOverhead(db, sql, companyId);
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await db.end();
  await orm.close(true);
} finally {
  await stopPg();
}
