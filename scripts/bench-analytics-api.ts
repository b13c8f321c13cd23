/**
 * `npm run bench:analytics-api [-- --campaigns 1000 --days 90 --calls 30]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:analytics-api`: never two benchmarks at once)
 *
 * What the analytics routes cost on top of the rollup reads they are built on. The bench:api
 * company (`--campaigns` campaigns) gets `--days` days of daily figures per campaign through the
 * real fact table campaign_channel_metrics (the triggers build the rollups), then each route is
 * called `--calls` times, one at a time, through the real API process (HTTP, auth, metrics in
 * domain/metrics.ts, JSON) — and, in the same run, the rollup reads behind it are timed alone from
 * this process (db/repositories/analytics.ts, no HTTP, no metrics). p50 / p95 of each.
 */
import { parseArgs } from 'node:util';
import { readFacts, type FactFilter } from '../db/repositories/analytics.ts';
import { hashPassword } from '../domain/password.ts';
import { seedBenchCompany, type BenchCompany } from './bench/api-seed.ts';
import { signIn, startApiStack, type ApiStack } from './lib/api-stack.ts';

const { values } = parseArgs({
  options: {
    campaigns: { type: 'string', default: '1000' },
    days: { type: 'string', default: '90' },
    calls: { type: 'string', default: '30' },
  },
});
const CAMPAIGNS = Number(values.campaigns);
const DAYS = Number(values.days);
const CALLS = Math.max(5, Number(values.calls));
const PASSWORD = 'bench-analytics-password';
const say = (s: string) => process.stdout.write(`${s}\n`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

let stack: ApiStack | undefined;
let company: BenchCompany | undefined;
try {
  const hash = await hashPassword(PASSWORD);
  stack = await startApiStack({
    name: 'bench-analytics-api',
    log: say,
    prepare: async (orm) => {
      company = await seedBenchCompany(orm, { contacts: 1000, campaigns: CAMPAIGNS, passwordHash: hash });
      const t = performance.now();
      // Daily figures for every campaign, one statement: the rollup triggers count them as they land.
      await orm.em.getKnex().raw(
        `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, leads, qualified_leads, conversions, revenue, spend, source)
         select c.company_id, c.id, (array['paid_ads','social','organic','direct_mail'])[1 + (abs(hashtext(c.id::text)) % 4)], current_date - d,
                1000 + (d * 37) % 500, 800 + (d * 31) % 400, 50 + d % 40, 5 + d % 9, 2 + d % 4, d % 3, (d % 3) * 250.25, 40 + d % 7, 'api'
           from campaigns c cross join generate_series(0, ?::int - 1) d where c.company_id = ?`,
        [DAYS, company.id],
      );
      await orm.em.getKnex().raw('vacuum analyze');
      say(`${CAMPAIGNS * DAYS} daily rows written through the fact table in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    },
  });
  const c = company!;
  const token = await signIn(stack.base, c.adminEmail, PASSWORD);
  const sql = stack.orm.em.getKnex();
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${from}&to=${today}`;
  const filter: FactFilter = { companyId: c.id, from, to: today };
  const get = (path: string) => async () => {
    const res = await fetch(`${stack!.base}/api/analytics${path}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  };
  const routes: [string, string, () => Promise<unknown>][] = [
    ['summary', `/summary?${range}`, () => Promise.all([readFacts(sql, filter, []), readFacts(sql, filter, ['campaign'])])],
    ['overview', `/campaigns?${range}`, () => readFacts(sql, filter, ['campaign'])],
    ['channels', `/channels?${range}`, () => Promise.all([readFacts(sql, filter, ['channel']), readFacts(sql, filter, ['campaign'])])],
    ['rankings', `/rankings?${range}`, () => Promise.all([readFacts(sql, filter, ['channel']), readFacts(sql, filter, ['campaign'])])],
    ['timeseries', `/timeseries?${range}`, () => readFacts(sql, filter, ['day'])],
    ['campaign', `/campaigns/${c.sampleCampaignId}`, () => readFacts(sql, { companyId: c.id, campaignIds: [c.sampleCampaignId] }, ['day'])],
    ['export csv', `/export/campaigns?${range}`, () => readFacts(sql, filter, ['campaign'])],
  ];
  say(`\n${CALLS} calls each, one at a time; ms (p50 / p95)`);
  say('route        API route           rollup read alone');
  for (const [name, path, read] of routes) {
    const api = await timed(get(path));
    const raw = await timed(read);
    say(`${name.padEnd(12)} ${pct(api, 50).toFixed(1).padStart(6)} / ${pct(api, 95).toFixed(1).padStart(6)}    ${pct(raw, 50).toFixed(1).padStart(6)} / ${pct(raw, 95).toFixed(1).padStart(6)}`);
  }
} finally {
  await stack?.stop();
}
