/**
 * `npm run bench:segment [-- --contacts 1000000 --other 100000 --runs 7 --no-experiments]`
 *
 * Exact segment counts over a million contacts (target: under 200 ms). Seeds company A with
 * `--contacts` and company B with `--other` generated contacts in a throw-away embedded PostgreSQL
 * (or DATABASE_URL: its bench-a / bench-b companies are reused when already big enough), runs
 * VACUUM ANALYZE, then for each rule times, after one warm-up, `--runs` exact counts of:
 *   baseline  select count(*) from contacts where company_id = $1   (same run, same data)
 *   hand      the SQL a person would write for the rule
 *   compiled  compileSegment's SQL over contacts on a plain connection, server defaults (what
 *             counts read before contacts_segmentable, and what the audience snapshot reads)
 *   repo      countAudience(), what the API calls (its own transaction and settings; it reads the
 *             narrow contacts_segmentable when the rule allows)
 * and prints min / median / p95 wall ms, with PostgreSQL's CPU ms (backend and parallel workers,
 * embedded server only). Experiments follow: no parallel workers, a jsonb_path_ops GIN index, an
 * index on (company_id, created_at). On a shared machine compare ratios, not absolute figures.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { initOrm } from '../db/orm.ts';
import { countAudience } from '../db/repositories/segments.ts';
import { bulkInsertContacts, ensureCompany } from '../db/seed/bulk.ts';
import { DEALER_RULE } from '../db/seed/demo-data.ts';
import { compileSegment } from '../domain/segment-sql.ts';
import type { SegmentRule } from '../domain/segment-types.ts';
import { startEmbeddedPostgres } from './lib/postgres.ts';
import { freePort } from './lib/ports.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    other: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '7' },
    'no-experiments': { type: 'boolean', default: false },
  },
});
const CONTACTS = Number(values.contacts);
const OTHER = Number(values.other);
const RUNS = Math.max(7, Number(values.runs));

interface Case {
  name: string;
  rule: SegmentRule;
  /** Hand-written equivalent; `$1` is the company. */
  hand: string;
}

const CASES: Case[] = [
  { name: 'dealer and lifting_mt > 100 (seed 002)', rule: DEALER_RULE, hand: `(attributes->>'dealer')::boolean and (attributes->>'lifting_mt')::numeric > 100` },
  { name: 'region in (East, West)', rule: { field: 'region', op: 'in', value: ['East', 'West'] }, hand: `region in ('East', 'West')` },
  { name: 'tier = gold', rule: { field: 'attributes.tier', op: '=', value: 'gold' }, hand: `attributes->>'tier' = 'gold'` },
  { name: 'created_at within_last 30 days', rule: { field: 'created_at', op: 'within_last', value: 30 }, hand: `created_at >= now() - interval '30 days'` },
  { name: 'lifetime_value >= 2500 (numeric attribute)', rule: { field: 'attributes.lifetime_value', op: '>=', value: 2500 }, hand: `(attributes->>'lifetime_value')::numeric >= 2500` },
  {
    name: 'nested any/all, 3 levels',
    rule: {
      any: [
        { all: [{ field: 'region', op: '=', value: 'East' }, { any: [{ field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }, { field: 'attributes.lifting_mt', op: '>=', value: 250 }] }] },
        { all: [{ field: 'region', op: 'in', value: ['West', 'North'] }, { any: [{ field: 'attributes.orders_count', op: '>', value: 20 }, { field: 'attributes.last_purchase_at', op: 'within_last', value: 60 }] }] },
        { all: [{ field: 'unsubscribed', op: '=', value: false }, { field: 'attributes.lifetime_value', op: 'between', value: [2000, 3000] }] },
      ],
    },
    hand: `(region = 'East' and (attributes->>'tier' in ('gold', 'platinum') or (attributes->>'lifting_mt')::numeric >= 250))
        or (region in ('West', 'North') and ((attributes->>'orders_count')::numeric > 20
             or (attributes->>'last_purchase_at')::timestamptz >= now() - interval '60 days'))
        or (unsubscribed_at is null and (attributes->>'lifetime_value')::numeric between 2000 and 3000)`,
  },
];

/* ---- CPU of the PostgreSQL server: live processes plus what the postmaster reaped (parallel workers). ---- */
const TICK_MS = 10; // CLK_TCK is 100 on Linux
let postmasterPid: number | undefined;
function serverCpuMs(): number | undefined {
  if (!postmasterPid) return undefined;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(f[1]);
    if (pid === postmasterPid) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (ppid === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

interface Stats {
  min: number;
  median: number;
  p95: number;
  cpu?: number;
  count: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(fn: () => Promise<number>): Promise<Stats> {
  const count = await fn(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = serverCpuMs();
    const t0 = performance.now();
    const n = await fn();
    wall.push(performance.now() - t0);
    const c1 = serverCpuMs();
    if (c0 !== undefined && c1 !== undefined) cpu.push(c1 - c0);
    if (n !== count) throw new Error(`count changed between runs: ${count} then ${n}`);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { min: wall[0]!, median: pct(wall, 50), p95: pct(wall, 95), cpu: cpu.length ? pct(cpu, 50) : undefined, count };
}

const fmt = (ms: number) => ms.toFixed(1).padStart(7);
function row(label: string, s: Stats, baseline?: Stats): string {
  const ratio = baseline ? `${(s.median / baseline.median).toFixed(1)}× baseline` : '';
  const cpu = s.cpu === undefined ? '      –' : fmt(s.cpu);
  return `  ${label.padEnd(34)}${fmt(s.min)}${fmt(s.median)}${fmt(s.p95)}${cpu}   ${String(s.count).padStart(8)}  ${ratio}`;
}
const HEADER = `  ${''.padEnd(34)}${'min'.padStart(7)}${'median'.padStart(7)}${'p95'.padStart(7)}${'cpu'.padStart(7)}   ${'count'.padStart(8)}`;

/* ---- setup ---- */
let url = process.env.DATABASE_URL;
let stopPg = async () => {};
const throwAway = !url;
if (!url) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  postmasterPid = server.pid;
  url = server.url('postgres');
  stopPg = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
const experiments = throwAway && !values['no-experiments'];

try {
  const orm = await initOrm({ clientUrl: url, migrate: true, poolMax: 2 });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${throwAway ? 'throw-away embedded PostgreSQL' : 'DATABASE_URL'})`);

  const seedStarted = performance.now();
  const companies: Record<string, string> = {};
  for (const [slug, n] of [['bench-a', CONTACTS], ['bench-b', OTHER]] as const) {
    const id = await ensureCompany(db, slug);
    companies[slug] = id;
    const have = Number((await db.query('select count(*) as n from contacts where company_id = $1', [id])).rows[0].n);
    if (have >= n) {
      console.log(`${slug}: ${have.toLocaleString('en')} contacts already there`);
      continue;
    }
    const r = await bulkInsertContacts({ url, companyId: id, slug, count: n - have });
    const s = r.insertMs / 1000;
    console.log(`${slug}: seeded ${r.inserted.toLocaleString('en')} contacts in ${s.toFixed(1)} s (${Math.round(r.inserted / s).toLocaleString('en')} rows/s), vacuum analyze ${(r.vacuumMs / 1000).toFixed(1)} s`);
  }
  console.log(`seeding total: ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const info = (await db.query(`select version() as v, pg_jit_available() as jit, current_setting('shared_buffers') as sb,
      current_setting('max_parallel_workers_per_gather') as par, current_setting('work_mem') as wm,
      pg_size_pretty(pg_table_size('contacts')) as heap, pg_size_pretty(pg_indexes_size('contacts')) as idx,
      pg_size_pretty(pg_table_size('contacts_segmentable')) as narrow`)).rows[0];
  console.log(`${String(info.v).split(' on ')[0]}; JIT available: ${info.jit}; shared_buffers ${info.sb}; max_parallel_workers_per_gather ${info.par}; work_mem ${info.wm}`);
  console.log(`contacts: heap ${info.heap}, indexes ${info.idx}; contacts_segmentable: heap ${info.narrow}; runs per figure: ${RUNS} after 1 warm-up; wall and server CPU in ms\n`);

  const A = companies['bench-a']!;
  const B = companies['bench-b']!;
  const plain = async (sql: string, params: unknown[]) => Number((await db.query(sql, params)).rows[0].n);
  const baselineSql = 'select count(*) as n from contacts where company_id = $1';
  const compiled = (rule: SegmentRule) => {
    const c = compileSegment(rule, { alias: 'c', firstParam: 2 });
    return { sql: `select count(*) as n from contacts c where c.company_id = $1 and ${c.sql}`, params: [A, ...c.params] };
  };

  console.log(HEADER);
  const baseline = await measure(() => plain(baselineSql, [A]));
  console.log(row('baseline: count(*) of company A', baseline));
  let failures = 0;
  const results: Record<string, Stats> = {};
  for (const c of CASES) {
    console.log(`\n${c.name}`);
    const hand = await measure(() => plain(`select count(*) as n from contacts where company_id = $1 and (${c.hand})`, [A]));
    console.log(row('hand-written SQL', hand, baseline));
    const q = compiled(c.rule);
    const comp = await measure(() => plain(q.sql, q.params));
    console.log(row('compiled, plain connection', comp, baseline));
    const repo = await measure(() => countAudience(orm.em.fork(), A, c.rule));
    console.log(row('countAudience()', repo, baseline));
    results[c.name] = repo;
    const other = await countAudience(orm.em.fork(), B, c.rule);
    if (hand.count !== comp.count || comp.count !== repo.count) {
      failures++;
      console.log(`  MISMATCH: hand ${hand.count}, compiled ${comp.count}, countAudience ${repo.count}`);
    }
    console.log(`  (company B: ${other} of ${OTHER.toLocaleString('en')})`);
  }
  const baselineEnd = await measure(() => plain(baselineSql, [A]));
  console.log(`\n${row('baseline again, at the end', baselineEnd)}`);

  if (experiments) {
    console.log('\nExperiments (compiled SQL on a plain connection unless said otherwise)');
    console.log(HEADER);
    await db.query('set max_parallel_workers_per_gather = 0');
    for (const c of CASES) {
      const q = compiled(c.rule);
      console.log(row(`no parallel: ${c.name}`.slice(0, 34), await measure(() => plain(q.sql, q.params)), baseline));
    }
    await db.query('reset max_parallel_workers_per_gather');

    const t = performance.now();
    await db.query('drop index contacts_attributes_gin');
    await db.query('create index contacts_attributes_gin on contacts using gin (attributes jsonb_path_ops)');
    await db.query('analyze contacts');
    console.log(`  (GIN rebuilt with jsonb_path_ops in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    for (const c of CASES.filter((x) => /dealer|tier|nested/.test(x.name))) {
      const q = compiled(c.rule);
      console.log(row(`path_ops GIN: ${c.name}`.slice(0, 34), await measure(() => plain(q.sql, q.params)), baseline));
    }
    await db.query('drop index contacts_attributes_gin');
    await db.query('create index contacts_attributes_gin on contacts using gin (attributes)');

    await db.query('create index bench_contacts_company_created on contacts (company_id, created_at)');
    await db.query('vacuum analyze contacts');
    for (const c of CASES.filter((x) => /created_at/.test(x.name))) {
      console.log(row('index (company_id, created_at)', await measure(() => countAudience(orm.em.fork(), A, c.rule)), baseline));
    }
    await db.query('drop index bench_contacts_company_created');
  }

  console.log(`\nTarget: countAudience() median under 200 ms for ${CONTACTS.toLocaleString('en')} contacts`);
  for (const [name, s] of Object.entries(results)) console.log(`  ${s.median < 200 ? 'met    ' : 'NOT met'}  ${fmt(s.median)} ms  ${name}`);
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await db.end();
  await orm.close();
  if (failures > 0) process.exitCode = 1;
} finally {
  await stopPg();
}
