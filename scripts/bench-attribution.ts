/**
 * `npm run bench:attribution [-- --conversions 20000 --single 2000 --connections 20 --runs 2]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:attribution`: never two benchmarks at once)
 *
 * Conversion ingest through the real API process (scripts/api.ts) against an embedded PostgreSQL,
 * every conversion carrying a message token that attributes it (the rollup triggers run as in
 * production). Per run, `--conversions` conversions go in as:
 *   raw       one INSERT … SELECT FROM jsonb_to_recordset per 1 000 rows from this process: the
 *             database's floor for the same rows, no API (baseline)
 *   single    POST /api/conversions, one conversion per request, `--connections` in flight (`--single`
 *             conversions: each is its own transaction, so this path is bounded by commits)
 *   batch     POST /api/conversions/batch, 1 000 per request, 2 in flight
 *   replay    the same batches again: every item must answer `unchanged` and no row may be added
 * A run is INVALID unless the table then holds exactly the conversions sent, each attributed.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initOrm } from '../db/orm.ts';
import { createToken } from '../domain/tracking-token.ts';
import { API_KEY_REQUESTS_PER_MINUTE, generateApiKey } from '../api/attribution/machine-auth.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from './lib/temporal-server.ts';
import { ensureTemporalBinaries } from './lib/temporal-bin.ts';
import { freePort } from './lib/ports.ts';
import { treeCpuSeconds } from './bench/proc.ts';

const { values } = parseArgs({
  options: {
    conversions: { type: 'string', default: '20000' },
    single: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    runs: { type: 'string', default: '2' },
  },
});
const N = Number(values.conversions);
const SINGLE = Math.min(N, Number(values.single));
const CONNECTIONS = Number(values.connections);
const RUNS = Math.max(1, Number(values.runs));
const BATCH = 1000;
const RECIPIENTS = 5000;
const SECRET = 'bench-attribution-secret-012345678';

const say = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'herald-bench-attribution-'));
let pg: RunningPostgres | undefined;
let temporal: RunningTemporal | undefined;
let api: ReturnType<typeof fork> | undefined;

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

async function main() {
  const [pgPort, tPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort });
  const tPromise = startTemporalDevServer({ cli: ensureTemporalBinaries().cli, port: tPort, uiPort: 0, namespace: 'default' });
  const dbUrl = pg.url('postgres');
  const orm = await initOrm({ clientUrl: dbUrl, migrate: true, poolMax: 4 });
  const knex = orm.em.getKnex();
  const { rows: [company] } = await knex.raw<{ rows: { id: string }[] }>(`insert into companies (name, slug) values ('bench', 'bench') returning id`);
  const { rows: [user] } = await knex.raw<{ rows: { id: string }[] }>(`insert into users (company_id, email, name, password_hash, role) values (?, 'b@bench.example', 'Bench', 'x', 'manager') returning id`, [company!.id]);
  const { rows: [campaign] } = await knex.raw<{ rows: { id: string }[] }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, start_at, end_at, currency, total_budget, created_by_id)
     values (?, 'BENCH', 'Bench', 'promotional', 'email', now(), now() + interval '30 days', 'USD', 100000, ?) returning id`,
    [company!.id, user!.id],
  );
  await knex.raw(
    `with c as (insert into contacts (company_id, email, region) select ?, 'c' || i || '@bench.example', (array['East','Central','West'])[1 + i % 3] from generate_series(1, ?) i returning id)
     insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, status, variant, sent_at)
     select ?, ?, id, 'email', row_number() over (), 'sent', case when random() < 0.5 then 'A' else 'B' end, now() from c`,
    [company!.id, RECIPIENTS, company!.id, campaign!.id],
  );
  const rids = (await knex.raw<{ rows: { id: string }[] }>(`select id from campaign_recipients where campaign_id = ? order by id`, [campaign!.id])).rows.map((r) => Number(r.id));
  // Each key may make API_KEY_REQUESTS_PER_MINUTE requests: single posts go round a few keys, so
  // the limit (a guard against a runaway client) is not what is measured.
  const keys = Array.from({ length: Math.ceil(SINGLE / (API_KEY_REQUESTS_PER_MINUTE / 2)) + 1 }, () => generateApiKey());
  for (const k of keys) {
    await knex.raw(`insert into api_keys (company_id, name, prefix, secret_hash, scopes) values (?, 'bench', ?, ?, '{conversions:write}')`, [company!.id, k.prefix, k.secretHash]);
  }
  const key = keys[keys.length - 1]!; // the spare one: batches

  temporal = await tPromise;
  api = fork(join(ROOT, 'scripts/api.ts'), [], {
    execArgv: ['--import', 'tsx'],
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
  const base = `http://127.0.0.1:${apiPort}`;
  const headers = { 'content-type': 'application/json', 'x-api-key': key.key };
  say(`API pid ${api.pid} on ${base}; ${fmt(N)} conversions per run over ${fmt(RECIPIENTS)} sent messages; single posts ${CONNECTIONS} in flight, batches of ${BATCH}\n`);

  const itemsFor = (run: string) =>
    Array.from({ length: N }, (_, i) => ({ externalId: `${run}-${i}`, type: i % 5 === 0 ? 'lead' : 'sale', value: `${(i % 900) + 100}.00`, token: createToken(SECRET, { kind: 'c', recipientId: rids[i % rids.length]!, link: 0 }) }));
  const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / BATCH) }, (_, i) => xs.slice(i * BATCH, (i + 1) * BATCH));
  const count = async (prefix: string) =>
    (await knex.raw<{ rows: { n: string; attributed: string }[] }>(`select count(*) as n, count(campaign_id) as attributed from conversions where external_id like ?`, [`${prefix}-%`])).rows[0]!;
  const cpu = () => treeCpuSeconds({ api: api!.pid, postgres: pg!.pid });
  const figures: Record<string, number[]> = { raw: [], single: [], batch: [], replay: [] };

  async function measure(kind: string, run: string, body: () => Promise<void>, check: () => Promise<void>, n = N) {
    const before = cpu();
    const t0 = performance.now();
    await body();
    const s = (performance.now() - t0) / 1000;
    const after = cpu();
    await check();
    figures[kind]!.push(n / s);
    say(`${kind.padEnd(7)} ${run}: ${fmt(n / s)} conversions/s (${s.toFixed(1)} s; CPU s: API ${(after.api! - before.api!).toFixed(1)}, PostgreSQL ${(after.postgres! - before.postgres!).toFixed(1)})`);
  }
  const expectRows = (prefix: string, n = N) => async () => {
    const c = await count(prefix);
    if (Number(c.n) !== n || Number(c.attributed) !== n) throw new Error(`INVALID ${prefix}: ${c.n} rows, ${c.attributed} attributed, expected ${n}`);
  };

  for (let r = 1; r <= RUNS; r++) {
    const raw = itemsFor(`raw${r}`);
    await measure('raw', `run ${r}`, async () => {
      for (const chunk of chunks(raw)) {
        const rows = chunk.map((x, i) => ({ ...x, recipient_id: rids[i % rids.length] }));
        await knex.raw(
          `insert into conversions (company_id, campaign_id, recipient_id, contact_id, channel, variant, type, value, currency, external_id, source, occurred_at)
           select ?, r.campaign_id, r.id, r.contact_id, r.channel, r.variant, x."type", x.value::numeric, 'USD', x."externalId", 'api', now()
             from jsonb_to_recordset(?::jsonb) as x("externalId" text, "type" text, value text, recipient_id bigint) join campaign_recipients r on r.id = x.recipient_id
           on conflict (company_id, external_id) do nothing`,
          [company!.id, JSON.stringify(rows)],
        );
      }
    }, expectRows(`raw${r}`));

    const single = itemsFor(`single${r}`).slice(0, SINGLE);
    let sent = 0;
    await measure('single', `run ${r}`, () => pool(single, CONNECTIONS, async (x) => {
      const k = keys[Math.floor(sent++ / (API_KEY_REQUESTS_PER_MINUTE / 2)) % (keys.length - 1)]!.key;
      const res = await fetch(`${base}/api/conversions`, { method: 'POST', headers: { ...headers, 'x-api-key': k }, body: JSON.stringify(x) });
      if (res.status !== 201) throw new Error(`INVALID single: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }), expectRows(`single${r}`, SINGLE), SINGLE);

    const batches = chunks(itemsFor(`batch${r}`));
    const post = (expected: string) => pool(batches, 2, async (items) => {
      const res = await fetch(`${base}/api/conversions/batch`, { method: 'POST', headers, body: JSON.stringify({ items }) });
      const body = (await res.json()) as { items?: { outcome: string }[] };
      if (res.status !== 200 || !body.items?.every((x) => x.outcome === expected)) throw new Error(`INVALID batch (${expected}): ${res.status}`);
    });
    await measure('batch', `run ${r}`, () => post('created'), expectRows(`batch${r}`));
    await measure('replay', `run ${r}`, () => post('unchanged'), expectRows(`batch${r}`));
  }
  const line = (k: string) => `min ${fmt(Math.min(...figures[k]!))} / median ${fmt(median(figures[k]!))} conversions/s`;
  say(`\nraw INSERT (baseline): ${line('raw')}`);
  for (const k of ['single', 'batch', 'replay']) say(`${k.padEnd(21)}: ${line(k)}  (${(median(figures[k]!) / median(figures.raw!)).toFixed(2)}× the raw insert)`);
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
  process.stderr.write(`bench:attribution failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
