/**
 * `npm run bench:api [-- --connections 150,600 --duration 10 --runs 2 --contacts 10000 --campaigns 1000 --pool 10 --cpu-prof <dir>]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:api`: never two benchmarks at once)
 *
 * The API under load (seed 001 §12.3: 150 concurrent connections is the load target, 600 the
 * stress target) through the real API process on the embedded stack (scripts/lib/api-stack.ts),
 * driven by autocannon from this process, signed in as an admin of a company with `--contacts`
 * contacts and `--campaigns` campaigns in mixed states, channels and dates:
 *   baseline   GET /healthz: a trivial route on the same server, no database (the framework's cost)
 *   list       GET /api/campaigns?status=scheduled,sending&channel=email&pageSize=25&sort=startAt
 *   get        GET /api/campaigns/{id}
 *   approvals  GET /api/approvals
 *   preview    POST /api/segments/preview (region = East: exact count + a sample of 10)
 * Every route is checked once before it is measured (status 200, the figures the database agrees
 * with). Each (route, connections) runs `--runs` times, interleaved; latencies are every answered
 * request's own (p50/p95/p99 over all of them), req/s min and median, with CPU seconds per process.
 * Targets: p95 < 100 ms at 150 connections, 0 errors at 600.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashPassword } from '../domain/password.ts';
import { startApiStack, signIn, type ApiStack } from './lib/api-stack.ts';
import { load1, machineBusySeconds, postgresCpuByKind, treeCpuSeconds } from './bench/proc.ts';
import { seedBenchCompany, type BenchCompany } from './bench/api-seed.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '150,600' },
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '2' },
    contacts: { type: 'string', default: '10000' },
    campaigns: { type: 'string', default: '1000' },
    /** The API's DATABASE_POOL_MAX (its default is 10). */
    pool: { type: 'string' },
    /** Comma-separated subset of: baseline,list,get,approvals,preview */
    routes: { type: 'string' },
    /** Write a V8 CPU profile of the API process into this folder (open it in Chrome DevTools). */
    'cpu-prof': { type: 'string' },
  },
});
const LEVELS = values.connections.split(',').map(Number).filter((n) => n > 0);
const DURATION = Number(values.duration);
const RUNS = Math.max(1, Number(values.runs));
const PASSWORD = 'bench-api-password';

const say = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1) : 'n/a';

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Measurement {
  reqPerSec: number;
  latencies: number[];
  non2xx: number;
  codes: Record<string, number>;
  errors: number;
  timeouts: number;
  cpu: string;
}

let stack: ApiStack | undefined;

async function check(base: string, token: string, r: Route): Promise<unknown> {
  const res = await fetch(`${base}${r.path}`, {
    method: r.method,
    headers: { authorization: `Bearer ${token}`, ...(r.body ? { 'content-type': 'application/json' } : {}) },
    ...(r.body ? { body: r.body } : {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${r.method} ${r.path} answered ${res.status} before the benchmark: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Does every answer carry what the database says it should? (A fast wrong answer is no figure.) */
async function verify(orm: MikroORM, base: string, token: string, routes: Route[], company: BenchCompany): Promise<void> {
  const knex = orm.em.getKnex();
  const one = async (sql: string, params: unknown[]) => Number((await knex.raw<{ rows: { n: string }[] }>(sql, params as never)).rows[0]!.n);
  for (const r of routes) {
    const body = (await check(base, token, r)) as Record<string, unknown> | null;
    let line = `  ${r.name.padEnd(9)} ${r.method} ${r.path} → 200`;
    if (r.name === 'list') {
      const want = await one(`select count(*) as n from campaigns where company_id = ? and status in ('scheduled','sending') and primary_channel = 'email' and deleted_at is null`, [company.id]);
      const items = (body!.items as unknown[]).length;
      if (body!.total !== want || items !== Math.min(25, want)) throw new Error(`list: total ${String(body!.total)} / ${items} items, the database says ${want}`);
      line += `, total ${want}, ${items} items`;
    } else if (r.name === 'approvals') {
      const want = await one(`select count(*) as n from campaigns where company_id = ? and status = 'pending_approval' and created_by_id <> ?`, [company.id, company.adminId]);
      if (body!.total !== want) throw new Error(`approvals: total ${String(body!.total)}, the database says ${want}`);
      line += `, queue of ${want} (page of ${(body!.items as unknown[]).length})`;
    } else if (r.name === 'preview') {
      const want = await one(`select count(*) as n from contacts where company_id = ? and region = 'East'`, [company.id]);
      if (body!.count !== want) throw new Error(`preview: count ${String(body!.count)}, the database says ${want}`);
      line += `, count ${want}, sample of ${(body!.sample as unknown[]).length}`;
    } else if (r.name === 'get') {
      line += `, ${String(body!.code)} (${String(body!.status)})`;
    }
    say(line);
  }
}

/**
 * Waits until the API has worked off what autocannon left queued (it stops waiting for answers, the
 * server does not stop computing them), so one measurement does not run on the previous one's backlog.
 */
async function settle(apiPid: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = treeCpuSeconds({ api: apiPid }).api ?? 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = treeCpuSeconds({ api: apiPid }).api ?? 0;
    if (now - last < 0.03) return;
    last = now;
  }
}

async function measure(base: string, token: string, r: Route, connections: number, seconds: number): Promise<Measurement> {
  const s = stack!;
  const cpu = () => ({
    api: treeCpuSeconds({ api: s.apiPid }).api ?? 0,
    pg: Object.values(postgresCpuByKind(s.pg.pid)).reduce((a, b) => a + b, 0),
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    temporal: treeCpuSeconds({ t: s.temporal.pid }).t ?? 0,
    machine: machineBusySeconds(),
  });
  const latencies: number[] = [];
  const c0 = cpu();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}${r.path}`,
        method: r.method,
        connections,
        duration: seconds,
        timeout: 10,
        headers: { authorization: `Bearer ${token}`, ...(r.body ? { 'content-type': 'application/json' } : {}) },
        ...(r.body ? { body: r.body } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const wall = (performance.now() - started) / 1000;
  const c1 = cpu();
  const d = (k: keyof typeof c0) => c1[k] - c0[k];
  const others = Math.max(0, d('machine') - d('api') - d('pg') - d('bench') - d('temporal'));
  const perAnswer = (sec: number) => (latencies.length ? ((sec * 1000) / latencies.length).toFixed(2) : 'n/a');
  const codes: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) if (!code.startsWith('2')) codes[code] = (v as { count: number }).count;
  return {
    reqPerSec: latencies.length / wall,
    latencies,
    non2xx: result.non2xx,
    codes,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu:
      `api ${d('api').toFixed(1)} s, pg ${d('pg').toFixed(1)} s, autocannon ${d('bench').toFixed(1)} s, temporal ${d('temporal').toFixed(1)} s, other ${others.toFixed(1)} s in ${wall.toFixed(1)} s` +
      ` (per answer: api ${perAnswer(d('api'))} ms, pg ${perAnswer(d('pg'))} ms)`,
  };
}

async function main() {
  const t0 = performance.now();
  let company: BenchCompany | undefined;
  const hash = await hashPassword(PASSWORD);
  stack = await startApiStack({
    name: 'bench-api',
    env: values.pool ? { DATABASE_POOL_MAX: values.pool } : {},
    ...(values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] } : {}),
    prepare: async (orm) => {
      company = await seedBenchCompany(orm, { contacts: Number(values.contacts), campaigns: Number(values.campaigns), passwordHash: hash });
    },
  });
  const { base, orm } = stack;
  const co = company!;
  say(`setup: ${fmt(co.contacts)} contacts, ${fmt(co.campaigns)} campaigns (${co.byStatus}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const token = await signIn(base, co.adminEmail, PASSWORD);

  const all: Route[] = [
    { name: 'baseline', method: 'GET', path: '/healthz' },
    { name: 'list', method: 'GET', path: '/api/campaigns?status=scheduled,sending&channel=email&pageSize=25&sort=startAt' },
    { name: 'get', method: 'GET', path: `/api/campaigns/${co.sampleCampaignId}` },
    { name: 'approvals', method: 'GET', path: '/api/approvals' },
    { name: 'preview', method: 'POST', path: '/api/segments/preview', body: JSON.stringify({ rules: { all: [{ field: 'region', op: '=', value: 'East' }] } }) },
  ];
  const wanted = values.routes ? new Set(values.routes.split(',')) : undefined;
  const routes = all.filter((r) => !wanted || wanted.has(r.name));
  const probe = await fetch(`${base}/api/segments/preview`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  if (probe.status === 404 && (await probe.text()).includes('no route')) {
    say('POST /api/segments/preview does not exist in this build: skipped');
    routes.splice(routes.findIndex((r) => r.name === 'preview'), 1);
  }
  say(`API pid ${stack.apiPid} on ${base}, signed in as ${co.adminEmail}; ${DURATION} s per measurement, ${RUNS} runs, connections ${LEVELS.join(', ')}`);
  await verify(orm, base, token, routes, co);

  // Warm-up: JIT, the database pool, plans.
  for (const r of routes) await measure(base, token, r, 10, 2);
  await settle(stack.apiPid);

  const table: { route: Route; connections: number; runs: Measurement[] }[] = [];
  for (const connections of LEVELS) {
    const rows = routes.map((route) => ({ route, connections, runs: [] as Measurement[] }));
    table.push(...rows);
    for (let run = 1; run <= RUNS; run++) {
      say(`\n${connections} connections, run ${run}/${RUNS} (load average ${load1().toFixed(2)})`);
      for (const row of rows) {
        const m = await measure(base, token, row.route, connections, DURATION);
        row.runs.push(m);
        const sorted = Float64Array.from(m.latencies).sort();
        say(
          `  ${row.route.name.padEnd(9)} ${fmt(m.reqPerSec).padStart(6)} req/s  p50 ${percentile(sorted, 50)} p95 ${percentile(sorted, 95)} p99 ${percentile(sorted, 99)} ms  ` +
            `non-2xx ${m.non2xx}${Object.keys(m.codes).length ? ` ${JSON.stringify(m.codes)}` : ''}  errors ${m.errors} (timeouts ${m.timeouts})  cpu ${m.cpu}`,
        );
        await settle(stack.apiPid);
      }
    }
  }

  say(`\n| route | connections | req/s min | req/s median | p50 ms | p95 ms | p99 ms | non-2xx | errors |`);
  say(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  const verdicts: string[] = [];
  for (const row of table) {
    const rates = row.runs.map((m) => m.reqPerSec);
    const sorted = Float64Array.from(row.runs.flatMap((m) => m.latencies)).sort();
    const p95 = percentile(sorted, 95);
    const non2xx = row.runs.reduce((a, m) => a + m.non2xx, 0);
    const errors = row.runs.reduce((a, m) => a + m.errors, 0);
    const label = `${row.route.method} ${row.route.path.length > 60 ? `${row.route.path.slice(0, 57)}...` : row.route.path}`;
    say(
      `| ${row.route.name}: ${label} | ${row.connections} | ${fmt(Math.min(...rates))} | ${fmt(median(rates))} | ${percentile(sorted, 50)} | ${p95} | ${percentile(sorted, 99)} | ${non2xx} | ${errors} |`,
    );
    if (row.route.name === 'baseline') continue;
    if (row.connections === 150) verdicts.push(`${row.route.name} p95 at 150: ${p95} ms ${Number(p95) < 100 ? 'meets' : 'MISSES'} the 100 ms target`);
    if (row.connections === 600) verdicts.push(`${row.route.name} at 600: ${errors} errors, ${non2xx} non-2xx ${errors === 0 && non2xx === 0 ? 'meets' : 'MISSES'} the 0-error target`);
  }
  if (verdicts.length) say(`\n${verdicts.join('\n')}`);
  await settle(stack.apiPid);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench:api failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await stack?.stop();
}
