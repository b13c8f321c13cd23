/**
 * `npm run bench:tracking [-- --recipients 100000 --requests 100000 --connections 50 --runs 2 --clicks 0.3]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:tracking`: never two benchmarks at once)
 *
 * Tracking ingest throughput through the real API process (scripts/api.ts, @hono/node-server) against
 * an embedded PostgreSQL (synchronous_commit on: an answered hit is on disk), driven by autocannon
 * from this process:
 *   baseline  GET /healthz: a trivial Hono route on the same server, same middleware, no database
 *   tracking  GET /t/o/<token> (open pixel) and /t/c/<token> (click redirect), `--clicks` of them
 *             clicks, spread over `--recipients` messages (so first opens, repeats and clicks mix)
 * Each tracking run sends exactly `--requests` requests and then counts message_events rows: every
 * answered hit (200 GIF / 302) must be a row, and a run with a missing row, an error or a non-2xx/3xx
 * answer is INVALID. Runs interleave baseline and tracking; min and median are printed, with CPU
 * seconds per process (API, PostgreSQL, this load generator).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { initOrm } from '../db/orm.ts';
import { recordCampaignLinks } from '../db/repositories/tracking-links.ts';
import { createToken } from '../domain/tracking-token.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from './lib/temporal-server.ts';
import { ensureTemporalBinaries } from './lib/temporal-bin.ts';
import { freePort } from './lib/ports.ts';
import { load1, machineBusySeconds, postgresCpuByKind, treeCpuSeconds } from './bench/proc.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '50' },
    runs: { type: 'string', default: '2' },
    clicks: { type: 'string', default: '0.3' },
    /** Write V8 CPU profiles of the API process into this folder (summarise with scripts/bench/profile-summary.ts). */
    profile: { type: 'string' },
    /** Tracking runs only (with --profile: a profile of the tracking path alone). */
    'no-baseline': { type: 'boolean', default: false },
  },
});
const N = Number(values.recipients);
const REQUESTS = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const RUNS = Math.max(1, Number(values.runs));
const CLICK_SHARE = Number(values.clicks);
const SECRET = 'bench-tracking-secret-0123456789';
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const HTML = '<html><body><h1>Spring</h1><a href="https://shop.example/a">A</a> <a href="https://shop.example/b?x=1">B</a> <a href="https://shop.example/c">C</a></body></html>';

const say = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'herald-bench-tracking-'));
let pg: RunningPostgres | undefined;
let temporal: RunningTemporal | undefined;
let api: ReturnType<typeof fork> | undefined;

async function main() {
  const [pgPort, tPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort });
  const tPromise = startTemporalDevServer({ cli: ensureTemporalBinaries().cli, port: tPort, uiPort: 0, namespace: 'default' });
  const dbUrl = pg.url('postgres');
  const orm = await initOrm({ clientUrl: dbUrl, migrate: true, poolMax: 4 });
  const knex = orm.em.getKnex();
  const t0 = performance.now();
  const { rows: [company] } = await knex.raw<{ rows: { id: string }[] }>(`insert into companies (name, slug) values ('bench', 'bench') returning id`);
  const { rows: [user] } = await knex.raw<{ rows: { id: string }[] }>(
    `insert into users (company_id, email, name, password_hash, role) values (?, 'b@bench.example', 'Bench', 'x', 'manager') returning id`,
    [company!.id],
  );
  const { rows: [campaign] } = await knex.raw<{ rows: { id: string }[] }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, content, created_by_id)
     values (?, 'BENCH-T', 'Tracking bench', 'promotional', 'email', '{email}', 'sending', now(), now() + interval '30 days', 'USD', ?::jsonb, ?) returning id`,
    [company!.id, JSON.stringify({ email: { subject: 'Spring', html: HTML } }), user!.id],
  );
  await knex.raw(
    `insert into contacts (company_id, email, consent) select ?, 'c' || i || '@bench.example', '{"email":{"granted":true,"source":"bench","at":"2026-01-01T00:00:00Z"}}'
     from generate_series(1, ?::int) i`,
    [company!.id, N],
  );
  await knex.raw(
    `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, sent_at)
     select company_id, ?, id, 'email', row_number() over (order by id), email, 'sent', now() - interval '1 hour' from contacts where company_id = ?`,
    [campaign!.id, company!.id],
  );
  await recordCampaignLinks(knex, campaign!.id);
  await knex.raw('vacuum analyze');
  const ids = (await knex.raw<{ rows: { id: string }[] }>('select id from campaign_recipients where campaign_id = ? order by id', [campaign!.id])).rows.map((r) => Number(r.id));
  say(`setup: ${fmt(N)} sent messages with 3 recorded links each, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Request paths, shuffled deterministically: opens and clicks spread over every message.
  const paths: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const rid = ids[(i * 7919) % ids.length]!;
    const click = ((i * 2654435761) >>> 0) % 1000 < CLICK_SHARE * 1000;
    paths.push(click ? `/t/c/${createToken(SECRET, { kind: 'c', recipientId: rid, link: i % 3 })}` : `/t/o/${createToken(SECRET, { kind: 'o', recipientId: rid })}`);
  }

  temporal = await tPromise;
  api = fork(join(ROOT, 'scripts/api.ts'), [], {
    execArgv: ['--import', 'tsx', ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: temporal.address,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      TRACKING_SECRET: SECRET,
      DATA_DIR: join(dir, 'data'),
    },
  });
  await new Promise<void>((resolve, reject) => {
    api!.once('exit', (code) => reject(new Error(`api exited (${code})`)));
    api!.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
  });
  const apiPid = api.pid!;
  const base = `http://127.0.0.1:${apiPort}`;
  say(`API pid ${apiPid} on ${base}; ${CONNECTIONS} connections; ${fmt(REQUESTS)} requests per tracking run, ${Math.round(CLICK_SHARE * 100)} % clicks\n`);

  const countEvents = async () => Number((await knex.raw<{ rows: { n: string }[] }>('select count(*) as n from message_events')).rows[0]!.n);
  // The load generator is this process alone (its children are the servers being measured).
  const cpu = () => ({
    api: treeCpuSeconds({ api: apiPid }).api ?? 0,
    pg: Object.values(postgresCpuByKind(pg!.pid)).reduce((a, b) => a + b, 0),
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    temporal: treeCpuSeconds({ t: temporal!.pid }).t ?? 0,
    machine: machineBusySeconds(),
  });

  const run = async (kind: 'baseline' | 'tracking') => {
    let next = 0;
    const c0 = cpu();
    const before = kind === 'tracking' ? await countEvents() : 0;
    const started = performance.now();
    let last = started;
    // Timed to the last answer: autocannon reports `done` on its next one-second tick.
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: base,
          connections: CONNECTIONS,
          amount: REQUESTS,
          headers: { 'user-agent': UA },
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: kind === 'baseline' ? '/healthz' : paths[next++ % paths.length]! }) }],
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      instance.on('response', () => {
        last = performance.now();
      });
    });
    const seconds = (last - started) / 1000;
    const c1 = cpu();
    const answered = result['2xx'] + result['3xx'];
    const rows = kind === 'tracking' ? (await countEvents()) - before : answered;
    const perSecond = answered / seconds;
    const valid = result.errors === 0 && result.timeouts === 0 && result.non2xx === result['3xx'] && rows === answered && answered === REQUESTS;
    const d = (k: keyof typeof c0) => c1[k] - c0[k];
    // What other tenants of the machine took meanwhile: a 2-core box shared with a test suite gives less.
    const others = Math.max(0, d('machine') - d('api') - d('pg') - d('bench') - d('temporal'));
    const cpuLine = `api ${d('api').toFixed(1)} s, pg ${d('pg').toFixed(1)} s, load generator ${d('bench').toFixed(1)} s, other processes ${others.toFixed(1)} s`;
    say(
      `  ${kind.padEnd(8)} ${valid ? fmt(perSecond).padStart(7) : 'INVALID'} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ` +
        `answered ${fmt(answered)} (2xx ${fmt(result['2xx'])}, 3xx ${fmt(result['3xx'])})  errors ${result.errors + result.timeouts}  ` +
        (kind === 'tracking' ? `rows ${fmt(rows)} (lost ${fmt(Math.max(0, answered - rows))})  ` : '') +
        `cpu ${cpuLine} in ${seconds.toFixed(1)} s`,
    );
    return valid ? perSecond : undefined;
  };

  // Warm-up: JIT, connection pool, first inserts.
  await autocannon({ url: `${base}/healthz`, connections: 10, amount: 5000 });
  const figures: Record<'baseline' | 'tracking', number[]> = { baseline: [], tracking: [] };
  for (let i = 1; i <= RUNS; i++) {
    say(`run ${i}/${RUNS} (load average ${load1().toFixed(2)})`);
    for (const kind of values['no-baseline'] ? (['tracking'] as const) : (['baseline', 'tracking'] as const)) {
      const f = await run(kind);
      if (f !== undefined) figures[kind].push(f);
    }
  }
  const summary = (xs: number[]) => (xs.length ? `min ${fmt(Math.min(...xs))}, median ${fmt(median(xs))}` : 'no valid run');
  const { rows: kinds } = await knex.raw<{ rows: { type: string; first: string; repeat: string }[] }>(
    `select type, count(*) filter (where not coalesce((metadata->>'repeat')::boolean, false)) as first, count(*) filter (where (metadata->>'repeat')::boolean) as repeat
     from message_events group by type order by type`,
  );
  say(`\nrows by type: ${kinds.map((k) => `${k.type} ${fmt(Number(k.first))} first + ${fmt(Number(k.repeat))} repeats`).join('; ')}`);
  say(`baseline (GET /healthz):      ${summary(figures.baseline)} req/s`);
  say(`tracking (opens + clicks):    ${summary(figures.tracking)} events/s, every answered hit a row`);
  if (figures.baseline.length && figures.tracking.length) say(`ratio tracking / baseline:    ${(median(figures.tracking) / median(figures.baseline)).toFixed(2)}`);
  await orm.close(true);
}

async function cleanup() {
  if (api && api.exitCode === null) {
    const exited = new Promise((r) => api!.once('exit', r));
    api.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await Promise.allSettled([temporal?.stop(), pg?.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench:tracking failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
