/**
 * `npm run bench:send [-- --recipients 1000000 --runs 2 --channels email,sms --configs 10/1000/2,20/1000/2 --sweep]`
 *
 * Send throughput of a whole campaign, from the workflow's start (approval not required, no
 * start time: it sends at once) to `completed` with every recipient row recorded, next to a raw
 * baseline measured in the same run against the same sink:
 *   email  Herald → SMTP sink (smtp-server)      vs  a plain nodemailer pooled loop
 *   sms    Herald → HTTP sink (Twilio API shape) vs  a plain `undici.request` loop, 10 keep-alive connections
 * Everything is throw-away: an embedded PostgreSQL in a temporary folder, an in-memory Temporal dev
 * server, the two sinks in their own processes (counters only), ONE worker process
 * (scripts/worker.ts, restarted when SEND_CONCURRENCY changes; `--workers 2` for two), the raw
 * loops in their own process. Recipient rows of finished campaigns stay, as in production.
 *
 * A configuration is `SEND_CONCURRENCY/batchSize/maxInFlight`. `--sweep` tries 10, 20 and 50
 * messages in flight per batch, batches of 1 000 and 2 500, 2 and 4 batches in flight (one factor at
 * a time). Each configuration runs `--runs` times (min and median printed); passes interleave the
 * raw loops and the configurations, so drift on a shared machine hits both sides alike.
 *
 * Every run is verified (sink count == audience, duplicates 0, every row `sent`, the workflow's
 * counts); a run that fails verification is printed as INVALID and gives no figure. Before each
 * measured run the 1-minute load average must be under `--max-load` (or the load must be our own:
 * other processes under 0.25 cores), waiting up to `--max-wait` seconds. Per run: CPU seconds of
 * each process (utime + stime from /proc), the CPU other processes used meanwhile, the worker's
 * peak RSS (VmHWM, reset before each run), and Temporal history events summed over the
 * continue-as-new chain (continue-as-new every `--batches-per-run`, by default scaled so 100 000
 * recipients make as many runs as 1 000 000 do with the product default).
 *
 * Diagnostics: `--pg-statements` (each run's costliest SQL, pg_stat_statements), `--profile DIR`
 * (V8 CPU profiles of the worker; summarise with scripts/bench/profile-summary.ts),
 * `--email-raw-modes composer,raw,connection` (what nodemailer costs per message, three ways),
 * `--raw-only`, `--workers N`, `--pg-set name=value`, `--worker-node-flags="--trace-gc"`, `--no-heap-flags` (the worker
 * without the production heap limits of scripts/worker-heap.ts).
 * Default run (one setting, two channels, two runs): about 7 minutes on a quiet 2-core machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pgLib from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../db/orm.ts';
import { CampaignSchema, CompanySchema, UserSchema } from '../db/entities/index.ts';
import { forkForCompany } from '../db/tenant.ts';
import { campaignHandle, startCampaign } from '../api/campaign-lifecycle.ts';
import { DEFAULT_CAMPAIGN_OPTIONS, campaignWorkflowId, type CampaignResult } from '../workflows/campaign-messages.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from './lib/temporal-server.ts';
import { ensureTemporalBinaries } from './lib/temporal-bin.ts';
import { freePort } from './lib/ports.ts';
import { EMAIL_HTML, EMAIL_SUBJECT, EMAIL_TEXT, SENDER, SMS_BODY } from './bench/content.ts';
import { workerEnv as withWorkerHeap } from './worker-heap.ts';
import { load1, machineBusySeconds, peakRssMb, postgresCpuByKind, resetPeakRss, rssMb, threadCpuSeconds, treeCpuSeconds, waitForQuiet } from './bench/proc.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '2' },
    channels: { type: 'string', default: 'email,sms' },
    configs: { type: 'string' },
    sweep: { type: 'boolean', default: false },
    'batches-per-run': { type: 'string' },
    pool: { type: 'string', default: '10' },
    'no-raw': { type: 'boolean', default: false },
    'max-load': { type: 'string', default: '1.0' },
    'max-wait': { type: 'string', default: '120' },
    /** Write V8 CPU profiles of the worker (all its threads) into this folder; summarise them with scripts/bench/profile-summary.ts. */
    profile: { type: 'string' },
    /** Extra node flags for the worker process, space-separated, given with = (e.g. --worker-node-flags="--max-semi-space-size=8"). */
    'worker-node-flags': { type: 'string' },
    /** Run the worker without the production heap limits (scripts/worker-heap.ts), as before they were set. */
    'no-heap-flags': { type: 'boolean', default: false },
    /** Load pg_stat_statements and print each run's most expensive statements. */
    'pg-statements': { type: 'boolean', default: false },
    /** Worker processes (default 1, as the issue asks). More only help when activities are not eagerly dispatched to the workflow's worker. */
    workers: { type: 'string', default: '1' },
    /** E-mail raw loop variants to measure (scripts/bench/raw-email.ts MODE): composer (the baseline), raw, connection. */
    'email-raw-modes': { type: 'string', default: 'composer' },
    /** Only the raw loops (no worker, no campaign). */
    'raw-only': { type: 'boolean', default: false },
    /** Server settings to try, comma-separated name=value (ALTER SYSTEM + reload), e.g. synchronous_commit=off. */
    'pg-set': { type: 'string' },
  },
});

const N = Number(values.recipients);
const RUNS = Math.max(1, Number(values.runs));
const CHANNELS = values.channels.split(',').map((c) => c.trim()) as ('email' | 'sms')[];
const POOL = Number(values.pool);
const WORKERS = Math.max(1, Number(values.workers));
const MAX_LOAD = Number(values['max-load']);
const MAX_WAIT = Number(values['max-wait']);
// Continue-as-new every N batches: scaled so 100 000 recipients make as many runs as 1 000 000
// do with the product default (500 batches of 1 000), so the history bound is visible.
const BATCHES_PER_RUN = values['batches-per-run']
  ? Number(values['batches-per-run'])
  : Math.max(10, Math.round((DEFAULT_CAMPAIGN_OPTIONS.batchesPerRun * N) / 1_000_000));
for (const c of CHANNELS) if (c !== 'email' && c !== 'sms') throw new Error(`--channels: email and/or sms, got ${c}`);
if (!Number.isSafeInteger(N) || N < 1000) throw new Error('--recipients: at least 1000');

interface Setting {
  concurrency: number;
  batchSize: number;
  maxInFlight: number;
}
const parseSetting = (s: string): Setting => {
  const [c, b, f] = s.split('/').map(Number);
  if (!c || !b || !f) throw new Error(`--configs: expected concurrency/batchSize/maxInFlight, got ${s}`);
  return { concurrency: c, batchSize: b, maxInFlight: f };
};
const SWEEP = ['10/1000/2', '20/1000/2', '50/1000/2', '10/2500/2', '10/1000/4'];
const SETTINGS: Setting[] = (values.configs ? values.configs.split(',') : values.sweep ? SWEEP : ['10/1000/2']).map(parseSetting);
const label = (s: Setting) => `${s.concurrency}/${s.batchSize}/${s.maxInFlight}`;

const say = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const PgClient = pgLib.Client;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/* ---------------------------------------------------------------- child processes */

interface Child {
  child: ChildProcess;
  pid: number;
  stop: () => Promise<void>;
}

function forkTs(script: string, args: string[], env: NodeJS.ProcessEnv, pipeStdout = false, execArgv: string[] = []): ChildProcess {
  return fork(join(ROOT, script), args, {
    env,
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', pipeStdout ? 'pipe' : 'inherit', 'inherit', 'ipc'],
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

interface SinkProc extends Child {
  port: number;
  stats: () => Promise<Record<string, number>>;
  reset: () => Promise<void>;
}

async function startSink(kind: 'smtp' | 'http'): Promise<SinkProc> {
  const child = forkTs('scripts/bench/sink-child.ts', [kind], { ...process.env });
  let seq = 0;
  const waiting = new Map<number, (m: { stats?: Record<string, number> }) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} sink exited (${code})`)));
    child.on('message', (m: { type: string; port?: number; id?: number; stats?: Record<string, number> }) => {
      if (m.type === 'ready') resolve(m.port!);
      else if (m.id !== undefined) waiting.get(m.id)?.(m);
    });
  });
  const ask = (type: string) =>
    new Promise<{ stats?: Record<string, number> }>((resolve) => {
      const id = ++seq;
      waiting.set(id, (m) => {
        waiting.delete(id);
        resolve(m);
      });
      child.send({ type, id });
    });
  return { child, pid: child.pid!, port, stop: stopper(child), stats: async () => (await ask('stats')).stats!, reset: async () => void (await ask('reset')) };
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<Child> {
  const flags = [...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []), ...(values['worker-node-flags']?.split(/\s+/).filter(Boolean) ?? [])];
  const child = forkTs('scripts/worker.ts', [], env, true, flags);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker not polling after 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        say(`  [worker] ${line}`);
        return;
      }
      if (entry.msg === 'worker polling') {
        clearTimeout(timer);
        resolve();
      } else if ((entry.level ?? 0) >= 40) say(`  [worker] ${line.slice(0, 400)}`);
    });
  });
  await ready;
  return { child, pid: child.pid!, stop: stopper(child) };
}

function runRaw(script: string, env: NodeJS.ProcessEnv): Promise<{ pid: number; done: Promise<{ sent: number; failed: number; ms: number; cpuS: number }> }> {
  const child = forkTs(script, [], { ...process.env, ...env });
  const done = new Promise<{ sent: number; failed: number; ms: number; cpuS: number }>((resolve, reject) => {
    child.on('message', (m: { type: string; sent: number; failed: number; ms: number; cpuS: number }) => {
      if (m.type === 'done') resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) without a result`)));
  });
  return Promise.resolve({ pid: child.pid!, done });
}

/* ---------------------------------------------------------------- setup */

const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'herald-bench-send-'));
let pg: RunningPostgres | undefined;
let temporal: RunningTemporal | undefined;
let orm: MikroORM | undefined;
let connection: Connection | undefined;
const children: Child[] = [];
let workers: Child[] = [];
let workerConcurrency = 0;
let failures = 0;

interface RunFigures {
  channel: string;
  setting: string;
  kind: 'herald' | 'raw';
  rate: number;
  sendRate?: number;
  seconds: number;
  cpu: Record<string, number>;
  other: number;
  rssMb?: number;
  events?: number;
  runs?: number;
  load: number;
}
const results: RunFigures[] = [];

async function cleanup() {
  for (const w of workers) await w.stop().catch(() => {});
  for (const c of children) await c.stop().catch(() => {});
  await connection?.close().catch(() => {});
  await orm?.close().catch(() => {});
  await temporal?.stop().catch(() => {});
  await pg?.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

try {
  say(`bench:send — ${fmt(N)} recipients, channels ${CHANNELS.join(', ')}, settings (SEND_CONCURRENCY/batchSize/maxInFlight) ${SETTINGS.map(label).join(', ')}, ${RUNS} run(s) each`);
  say(`pool ${POOL} connections (SMTP_POOL_SIZE, HTTP_POOL_SIZE); continue-as-new every ${BATCHES_PER_RUN} batches; load average now ${load1().toFixed(2)}`);

  const { cli } = ensureTemporalBinaries();
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  [pg, temporal] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort }),
    startTemporalDevServer({ cli, port: temporalPort, uiPort: 0, namespace: 'default' }),
  ]);
  if (values['pg-statements']) {
    const c = new PgClient({ connectionString: pg.url('postgres') });
    await c.connect();
    await c.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await c.end();
    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort });
  }
  const dbUrl = pg.url('postgres');
  orm = await initOrm({ clientUrl: dbUrl, migrate: true, poolMax: 4 });
  const knex = orm.em.getKnex();
  if (values['pg-statements']) await knex.raw('create extension if not exists pg_stat_statements');
  for (const kv of values['pg-set']?.split(',').filter(Boolean) ?? []) {
    const [name, value] = kv.split('=');
    if (!name || value === undefined || !/^[a-z_.]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value)) throw new Error(`--pg-set: expected name=value, got ${kv}`);
    await knex.raw(`alter system set ${name} = '${value}'`);
    await knex.raw('select pg_reload_conf()');
    say(`PostgreSQL: ${name} = ${value}`);
  }

  // A company (no frequency cap) with its creator, N contacts with e-mail, phone and consent, and a
  // small warm-up company whose campaign runs (untimed) after every worker start.
  const makeCompany = async (slug: string, contacts: number) => {
    const root = orm!.em.fork();
    const company = root.create(CompanySchema, { name: slug, slug, approvalThreshold: '100000000.00' });
    await root.flush();
    const em = forkForCompany(orm!.em, company.id);
    const creator = em.create(UserSchema, { company: company.id, email: `creator@${slug}.example`, name: 'Bench Creator', passwordHash: 'x', role: 'manager' });
    await em.flush();
    const step = 250_000;
    for (let from = 1; from <= contacts; from += step) {
      await knex.raw(
        `insert into contacts (company_id, email, phone, first_name, last_name, region, attributes, consent)
         select ?, 'c' || i || '@' || ? || '.example', '+1555' || lpad(i::text, 7, '0'),
                (array['Olivia','Liam','Emma','Noah','Ava','Elijah','Sophia','James'])[1 + i % 8],
                (array['Smith','Garcia','Chen','Okafor','Rossi','Tanaka'])[1 + i % 6],
                (array['East','Central','West'])[1 + i % 3],
                jsonb_build_object('tier', (array['bronze','silver','gold','platinum'])[1 + i % 4]),
                jsonb_build_object('email', jsonb_build_object('granted', true, 'source', 'bench', 'at', '2026-01-01T00:00:00Z'),
                                   'sms', jsonb_build_object('granted', true, 'source', 'bench', 'at', '2026-01-01T00:00:00Z'))
         from generate_series(?::int, ?::int) i`,
        [company.id, slug, from, Math.min(contacts, from + step - 1)],
      );
    }
    return { companyId: company.id, creatorId: creator.id };
  };
  const t0 = performance.now();
  const main = await makeCompany('bench', N);
  const warm = await makeCompany('bench-warm', 2000);
  await knex.raw('vacuum analyze contacts');
  say(`setup: PostgreSQL ${pg.port}, Temporal ${temporal.address}, ${fmt(N)} + 2,000 contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });

  const smtpSink = await startSink('smtp');
  const httpSink = await startSink('http');
  children.push(smtpSink, httpSink);
  const sinkFor = { email: smtpSink, sms: httpSink };
  const sinkUrl = { email: `smtp://127.0.0.1:${smtpSink.port}`, sms: `http://127.0.0.1:${httpSink.port}` };

  const workerEnv = (concurrency: number): NodeJS.ProcessEnv => ({
    ...(values['no-heap-flags'] ? process.env : withWorkerHeap(process.env)),
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: temporal!.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'campaigns',
    SMTP_URL: sinkUrl.email,
    PROVIDER_HTTP_URL: sinkUrl.sms,
    SEND_CONCURRENCY: String(concurrency),
    SMTP_POOL_SIZE: String(POOL),
    HTTP_POOL_SIZE: String(POOL),
    DATA_DIR: join(dir, 'data'),
  });

  /* ------------------------------------------------------------ one Herald campaign */
  let campaignNo = 0;
  async function runCampaign(company: { companyId: string; creatorId: string }, channel: 'email' | 'sms', s: Setting) {
    campaignNo += 1;
    const em = forkForCompany(orm!.em, company.companyId);
    const campaign = em.create(CampaignSchema, {
      company: company.companyId,
      code: `BENCH-${campaignNo}`,
      name: `Spring collection ${campaignNo}`,
      type: 'promotional',
      primaryChannel: channel,
      channels: [channel],
      startAt: new Date(),
      endAt: new Date(Date.now() + 30 * 24 * 3600_000),
      currency: 'USD',
      totalBudget: '100',
      content: { email: { subject: EMAIL_SUBJECT, html: EMAIL_HTML, text: EMAIL_TEXT }, sms: { body: SMS_BODY } },
      sender: SENDER,
      createdBy: company.creatorId,
    });
    await em.flush();
    const id = campaign.id;
    const t = performance.now();
    await startCampaign(client, {
      version: 1,
      campaignId: id,
      companyId: company.companyId,
      createdBy: company.creatorId,
      approvalRequired: false,
      startAt: null,
      contentHash: `bench-${campaignNo}`,
      options: { batchSize: s.batchSize, maxInFlight: s.maxInFlight, batchesPerRun: BATCHES_PER_RUN },
    });
    const result: CampaignResult = await campaignHandle(client, id).result();
    const seconds = (performance.now() - t) / 1000;
    return { id, result, seconds };
  }

  /** Walks the continue-as-new chain: events per run, send-phase timing, failed activity attempts. */
  async function history(campaignId: string) {
    const wid = campaignWorkflowId(campaignId);
    let runId: string | undefined = (await client.workflow.getHandle(wid).describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
    const perRun: number[] = [];
    let firstSend: number | undefined;
    let lastSend: number | undefined;
    let failedAttempts = 0;
    const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => (t ? Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6 : 0);
    const scheduled = new Map<string, string>();
    // sendBatch timing: queue time (scheduled → started) and run time (started → completed).
    const schedAt = new Map<string, number>();
    const startAt = new Map<string, number>();
    let queueMs = 0;
    let runMs = 0;
    let batches = 0;
    while (runId) {
      const h = await client.workflow.getHandle(wid, runId).fetchHistory();
      const events = h.events ?? [];
      perRun.push(events.length);
      runId = undefined;
      for (const e of events) {
        const sch = e.activityTaskScheduledEventAttributes;
        if (sch) {
          scheduled.set(`${perRun.length}:${String(e.eventId)}`, sch.activityType?.name ?? '');
          if (sch.activityType?.name === 'sendBatch') {
            firstSend ??= ms(e.eventTime);
            schedAt.set(`${perRun.length}:${String(e.eventId)}`, ms(e.eventTime));
          }
        }
        const done = e.activityTaskCompletedEventAttributes;
        if (done && scheduled.get(`${perRun.length}:${String(done.scheduledEventId)}`) === 'sendBatch') {
          lastSend = ms(e.eventTime);
          const key = `${perRun.length}:${String(done.scheduledEventId)}`;
          const st = startAt.get(key);
          if (st !== undefined) {
            queueMs += st - schedAt.get(key)!;
            runMs += ms(e.eventTime) - st;
            batches++;
          }
        }
        if (e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes) failedAttempts++;
        const started = e.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) failedAttempts++;
        if (started) startAt.set(`${perRun.length}:${String(started.scheduledEventId)}`, ms(e.eventTime));
        const can = e.workflowExecutionContinuedAsNewEventAttributes;
        if (can?.newExecutionRunId) runId = can.newExecutionRunId;
      }
    }
    const sendMs = firstSend !== undefined && lastSend !== undefined ? lastSend - firstSend : undefined;
    return { perRun, sendMs, failedAttempts, batches, queueMs, runMs };
  }

  async function rowStatuses(campaignId: string): Promise<Record<string, number>> {
    const r = await knex.raw<{ rows: { status: string; n: string }[] }>('select status, count(*) as n from campaign_recipients where campaign_id = ? group by status', [campaignId]);
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }

  /** Table counters (pg_stat_user_tables) of the two tables a send works on: seq scans betray a bad plan. */
  async function tableStats(): Promise<Record<string, number>> {
    await knex.raw('select pg_stat_clear_snapshot()');
    const r = await knex.raw<{ rows: Record<string, string>[] }>(
      `select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan, n_tup_upd, n_tup_hot_upd, autovacuum_count, autoanalyze_count
       from pg_stat_user_tables where relname in ('campaign_recipients', 'contacts')`,
    );
    const out: Record<string, number> = {};
    for (const row of r.rows) for (const [k, v] of Object.entries(row)) if (k !== 'relname') out[`${row.relname === 'contacts' ? 'c' : 'r'}.${k}`] = Number(v);
    return out;
  }


  const workerRoots = () => Object.fromEntries(workers.map((w, i) => [`worker${i}`, w.pid]));
  const sumWorkers = (c: Record<string, number>) => workers.reduce((a, _w, i) => a + (c[`worker${i}`] ?? 0), 0);
  const roots = (sinkPid: number) => ({ ...workerRoots(), postgres: pg!.pid, temporal: temporal!.pid, sink: sinkPid });

  async function ensureWorker(concurrency: number) {
    if (workers.length && workerConcurrency === concurrency) return;
    for (const w of workers) await w.stop();
    const t = performance.now();
    workers = [];
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(workerEnv(concurrency)));
    workerConcurrency = concurrency;
    // Warm-up (untimed): JIT, connection pools, the workflow bundle's first run.
    for (const channel of CHANNELS) {
      const w = await runCampaign(warm, channel, { concurrency, batchSize: 1000, maxInFlight: 2 });
      if (w.result.status !== 'completed') throw new Error(`warm-up campaign ended ${w.result.status}`);
    }
    say(`  worker pid ${workers.map((w) => w.pid).join(', ')} up with SEND_CONCURRENCY=${concurrency} (start + warm-up ${((performance.now() - t) / 1000).toFixed(1)} s; RSS ${workers.map((w) => fmt(rssMb(w.pid) ?? 0)).join(', ')} MB)`);
  }

  async function measuredHerald(channel: 'email' | 'sms', s: Setting, pass: number) {
    const sink = sinkFor[channel];
    await ensureWorker(s.concurrency);
    const quiet = await waitForQuiet({ ownRoot: process.pid, maxLoad: MAX_LOAD, maxForeign: 0.25, maxWaitS: MAX_WAIT, say });
    await sink.reset();
    const rss0 = Math.max(...workers.map((w) => rssMb(w.pid) ?? 0));
    const hwmReset = workers.map((w) => resetPeakRss(w.pid)).every(Boolean);
    const tables0 = await tableStats();
    if (values['pg-statements']) await knex.raw('select pg_stat_statements_reset()');
    const pgKinds0 = postgresCpuByKind(pg!.pid);
    const threads0 = threadCpuSeconds(workers[0]!.pid);
    const cpu0 = treeCpuSeconds({ ...roots(sink.pid), own: process.pid });
    const busy0 = machineBusySeconds();
    const bench0 = process.cpuUsage();
    const run = await runCampaign(main, channel, s);
    const cpu1 = treeCpuSeconds({ ...roots(sink.pid), own: process.pid });
    const threads1 = threadCpuSeconds(workers[0]!.pid);
    const busy1 = machineBusySeconds();
    const benchC = process.cpuUsage(bench0);
    const rss = Math.max(...workers.map((w) => peakRssMb(w.pid) ?? 0));
    const pgKinds1 = postgresCpuByKind(pg!.pid);
    const stats = await sink.stats();
    const rows = await rowStatuses(run.id);
    const hist = await history(run.id);
    const cpu = Object.fromEntries(['postgres', 'temporal', 'sink'].map((k) => [k, cpu1[k]! - cpu0[k]!]));
    cpu.worker = sumWorkers(cpu1) - sumWorkers(cpu0);
    const perWorker = workers.length > 1 ? ` (${workers.map((_w, i) => (cpu1[`worker${i}`]! - cpu0[`worker${i}`]!).toFixed(1)).join(' + ')})` : '';
    cpu.bench = (benchC.user + benchC.system) / 1e6;
    const other = Math.max(0, busy1 - busy0 - (cpu1.own! - cpu0.own!));

    const received = channel === 'email' ? stats.received! : stats.accepted!;
    const dups = channel === 'email' ? stats.duplicateMessageIds! : stats.duplicates!;
    const problems: string[] = [];
    if (run.result.status !== 'completed') problems.push(`status ${run.result.status}`);
    if (run.result.counts.sent !== N) problems.push(`workflow counted ${run.result.counts.sent} sent`);
    if (received !== N) problems.push(`sink received ${received}`);
    if (dups !== 0) problems.push(`${dups} duplicates at the sink`);
    if (rows.sent !== N || Object.keys(rows).length !== 1) problems.push(`rows ${JSON.stringify(rows)}`);
    if (channel === 'sms' && stats.requests !== N) problems.push(`${stats.requests} requests for ${N} messages`);

    const rate = N / run.seconds;
    const sendRate = hist.sendMs ? N / (hist.sendMs / 1000) : undefined;
    const events = hist.perRun.reduce((a, b) => a + b, 0);
    const line =
      `  herald ${channel.padEnd(5)} ${label(s).padEnd(10)} #${pass}: ${problems.length ? 'INVALID ' : ''}${fmt(rate).padStart(6)} msg/s (${run.seconds.toFixed(1)} s; batches phase ${sendRate ? fmt(sendRate) : '?'} msg/s)` +
      ` | CPU s worker ${cpu.worker!.toFixed(1)}${perWorker}, postgres ${cpu.postgres!.toFixed(1)}, temporal ${cpu.temporal!.toFixed(1)}, sink ${cpu.sink!.toFixed(1)}, bench ${cpu.bench!.toFixed(1)}, other procs ${other.toFixed(1)}` +
      ` | worker peak RSS ${rss ? fmt(rss) : '?'} MB${hwmReset ? '' : ' (since start)'} (${fmt(rss0)} before, ${fmt(Math.max(...workers.map((w) => rssMb(w.pid) ?? 0)))} after)` +
      ` | history ${fmt(events)} events in ${hist.perRun.length} run(s) [${hist.perRun.join(', ')}]${hist.failedAttempts ? `, ${hist.failedAttempts} retried/failed activity attempts` : ''}` +
      ` | sink ${fmt(received)} dup ${dups}, rows ${JSON.stringify(rows)} | load ${quiet.load1.toFixed(2)}, others ${quiet.foreign.toFixed(2)} cores before`;
    say(line);
    await new Promise((r) => setTimeout(r, 1000)); // backends flush their table counters about once a second
    const tables1 = await tableStats();
    const d = (k: string) => (tables1[k] ?? 0) - (tables0[k] ?? 0);
    const threadLine = Object.entries(threads1)
      .map(([k, v]) => [k, v - (threads0[k] ?? 0)] as const)
      .filter(([, v]) => v >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    if (hist.batches && hist.sendMs) {
      say(
        `    sendBatch: ${hist.batches} completed, mean ${fmt(hist.runMs / hist.batches)} ms running, ${fmt(hist.queueMs / hist.batches, 1)} ms queued before start;` +
          ` batches in flight on average ${(hist.runMs / hist.sendMs).toFixed(2)} of ${s.maxInFlight}`,
      );
    }
    say(`    worker${workers.length > 1 ? '0' : ''} threads, CPU s: ${threadLine} (main thread busy ${(((threads1.main ?? 0) - (threads0.main ?? 0)) / run.seconds * 100).toFixed(0)} % of the run)`);
    say(
      `    postgres CPU: backends ${(pgKinds1.backends - pgKinds0.backends).toFixed(1)} s, background ${(pgKinds1.background - pgKinds0.background).toFixed(1)} s, exited/autovacuum ${(pgKinds1.reaped - pgKinds0.reaped).toFixed(1)} s` +
        ` | campaign_recipients: ${fmt(d('r.seq_scan'))} seq scans (${fmt(d('r.seq_tup_read'))} rows), ${fmt(d('r.idx_scan'))} index scans, ${fmt(d('r.n_tup_upd'))} updates (${fmt(d('r.n_tup_hot_upd'))} HOT), autovacuum ${d('r.autovacuum_count')}, autoanalyze ${d('r.autoanalyze_count')}` +
        ` | contacts: ${fmt(d('c.seq_scan'))} seq scans (${fmt(d('c.seq_tup_read'))} rows), ${fmt(d('c.idx_scan'))} index scans`,
    );
    if (values['pg-statements']) {
      const top = await knex.raw<{ rows: { query: string; calls: string; total: number; mean: number; rows: string }[] }>(
        `select regexp_replace(query, '\\s+', ' ', 'g') as query, calls, total_exec_time as total, mean_exec_time as mean, rows
         from pg_stat_statements where query not like '%pg_stat%' order by total_exec_time desc limit 8`,
      );
      for (const q of top.rows) say(`      ${fmt(q.total).padStart(6)} ms total, ${fmt(Number(q.calls)).padStart(6)} calls, ${q.mean.toFixed(2).padStart(7)} ms mean, ${fmt(Number(q.rows)).padStart(7)} rows  ${q.query.slice(0, 110)}`);
    }
    if (problems.length) {
      failures++;
      say(`    ! not a figure: ${problems.join('; ')}`);
    } else {
      results.push({
        channel,
        setting: label(s),
        kind: 'herald',
        rate,
        ...(sendRate ? { sendRate } : {}),
        seconds: run.seconds,
        cpu,
        other,
        ...(rss ? { rssMb: rss } : {}),
        events,
        runs: hist.perRun.length,
        load: quiet.load1,
      });
    }
  }

  async function measuredRaw(channel: 'email' | 'sms', pass: number, mode = 'composer') {
    const sink = sinkFor[channel];
    const quiet = await waitForQuiet({ ownRoot: process.pid, maxLoad: MAX_LOAD, maxForeign: 0.25, maxWaitS: MAX_WAIT, say });
    await sink.reset();
    const busy0 = machineBusySeconds();
    const own0 = treeCpuSeconds({ own: process.pid, sink: sink.pid, ...workerRoots() });
    const raw =
      channel === 'email'
        ? await runRaw('scripts/bench/raw-email.ts', { PORT: String(smtpSink.port), COUNT: String(N), POOL: String(POOL), IN_FLIGHT: String(POOL * 2), MODE: mode })
        : await runRaw('scripts/bench/raw-http.ts', { ORIGIN: sinkUrl.sms, COUNT: String(N), CONNECTIONS: String(POOL), IN_FLIGHT: String(POOL) });
    const r = await raw.done;
    const own1 = treeCpuSeconds({ own: process.pid, sink: sink.pid, ...workerRoots() });
    const busy1 = machineBusySeconds();
    const stats = await sink.stats();
    const received = channel === 'email' ? stats.received! : stats.accepted!;
    const dups = channel === 'email' ? stats.duplicateMessageIds! : stats.duplicates!;
    const rate = r.sent / (r.ms / 1000);
    const sinkCpu = own1.sink! - own0.sink!;
    const other = Math.max(0, busy1 - busy0 - (own1.own! - own0.own!));
    const ok = r.sent === N && r.failed === 0 && received === N && dups === 0;
    say(
      `  raw    ${channel.padEnd(5)} ${(channel === 'email' ? (mode === 'composer' ? 'nodemailer' : mode) : 'undici').padEnd(10)} #${pass}: ${ok ? '' : 'INVALID '}${fmt(rate).padStart(6)} msg/s (${(r.ms / 1000).toFixed(1)} s)` +
        ` | CPU s loop ${r.cpuS.toFixed(1)}, sink ${sinkCpu.toFixed(1)}, ${workers.length ? `worker (idle) ${(sumWorkers(own1) - sumWorkers(own0)).toFixed(1)}, ` : ''}other procs ${other.toFixed(1)}` +
        ` | sink ${fmt(received)} dup ${dups}, failed ${r.failed} | load ${quiet.load1.toFixed(2)}, others ${quiet.foreign.toFixed(2)} cores before`,
    );
    if (!ok) failures++;
    else results.push({ channel, setting: mode === 'composer' ? 'raw' : `raw ${mode}`, kind: 'raw', rate, seconds: r.ms / 1000, cpu: { loop: r.cpuS, sink: sinkCpu }, other, load: quiet.load1 });
  }

  /* ------------------------------------------------------------ passes */
  // Settings grouped by SEND_CONCURRENCY, so a pass restarts the worker only when it changes.
  const ordered = [...SETTINGS].sort((a, b) => a.concurrency - b.concurrency);
  for (let pass = 1; pass <= RUNS; pass++) {
    say(`\npass ${pass} of ${RUNS}`);
    if (!values['no-raw']) {
      for (const channel of CHANNELS) {
        if (channel === 'sms') await measuredRaw(channel, pass);
        else for (const mode of values['email-raw-modes'].split(',')) await measuredRaw(channel, pass, mode.trim());
      }
    }
    if (!values['raw-only']) for (const s of ordered) for (const channel of CHANNELS) await measuredHerald(channel, s, pass);
  }

  /* ------------------------------------------------------------ summary */
  say(`\nsummary: ${fmt(N)} recipients, ${RUNS} run(s) per row, medians unless marked; CPU s of the lower-median run; ratio = Herald median / raw median`);
  say(
    `${'channel'.padEnd(7)} ${'setting'.padEnd(10)} ${'msg/s min'.padStart(9)} ${'median'.padStart(7)} ${'raw med'.padStart(7)} ${'ratio'.padStart(5)} ${'batch ph.'.padStart(9)}` +
      `  ${'worker'.padStart(6)} ${'pg'.padStart(5)} ${'tmprl'.padStart(5)} ${'sink'.padStart(5)} ${'other'.padStart(5)} ${'µs/msg wkr'.padStart(10)} ${'RSS MB'.padStart(6)} ${'ev/100k'.padStart(7)} ${'runs'.padStart(4)} ${'load'.padStart(5)}`,
  );
  for (const channel of CHANNELS) {
    const raws = results.filter((r) => r.channel === channel && r.setting === 'raw');
    const rawMed = raws.length ? median(raws.map((r) => r.rate)) : undefined;
    for (const mode of ['raw', 'connection']) {
      const vs = results.filter((r) => r.channel === channel && r.setting === `raw ${mode}`);
      if (vs.length) {
        const m = median(vs.map((r) => r.rate));
        const cpu = median(vs.map((r) => r.cpu.loop!));
        say(`${channel.padEnd(7)} ${`raw ${mode}`.padEnd(10)} ${fmt(Math.min(...vs.map((r) => r.rate))).padStart(9)} ${fmt(m).padStart(7)}   (client CPU ${fmt((cpu / N) * 1e6)} µs/msg, sink ${fmt((median(vs.map((r) => r.cpu.sink!)) / N) * 1e6)} µs/msg)`);
      }
    }
    if (raws.length) {
      const mid = [...raws].sort((a, b) => a.rate - b.rate)[Math.floor((raws.length - 1) / 2)]!;
      say(
        `${channel.padEnd(7)} ${'raw loop'.padEnd(10)} ${fmt(Math.min(...raws.map((r) => r.rate))).padStart(9)} ${fmt(rawMed!).padStart(7)} ${''.padStart(7)} ${''.padStart(5)} ${''.padStart(9)}` +
          `  ${('loop ' + mid.cpu.loop!.toFixed(1)).padStart(6)} ${''.padStart(5)} ${''.padStart(5)} ${mid.cpu.sink!.toFixed(1).padStart(5)} ${mid.other.toFixed(1).padStart(5)} ${fmt((mid.cpu.loop! / N) * 1e6).padStart(10)} ${''.padStart(6)} ${''.padStart(7)} ${''.padStart(4)} ${Math.max(...raws.map((r) => r.load)).toFixed(2).padStart(5)}`,
      );
    }
    for (const s of SETTINGS) {
      const rs = results.filter((r) => r.channel === channel && r.kind === 'herald' && r.setting === label(s));
      if (!rs.length) continue;
      const med = median(rs.map((r) => r.rate));
      const mid = [...rs].sort((a, b) => a.rate - b.rate)[Math.floor((rs.length - 1) / 2)]!;
      const ratio = rawMed ? (med / rawMed).toFixed(2) : '–';
      const sendMed = rs.every((r) => r.sendRate) ? fmt(median(rs.map((r) => r.sendRate!))) : '?';
      say(
        `${channel.padEnd(7)} ${label(s).padEnd(10)} ${fmt(Math.min(...rs.map((r) => r.rate))).padStart(9)} ${fmt(med).padStart(7)} ${rawMed ? fmt(rawMed).padStart(7) : '–'.padStart(7)} ${ratio.padStart(5)} ${sendMed.padStart(9)}` +
          `  ${mid.cpu.worker!.toFixed(1).padStart(6)} ${mid.cpu.postgres!.toFixed(1).padStart(5)} ${mid.cpu.temporal!.toFixed(1).padStart(5)} ${mid.cpu.sink!.toFixed(1).padStart(5)} ${mid.other.toFixed(1).padStart(5)}` +
          ` ${fmt((mid.cpu.worker! / N) * 1e6).padStart(10)} ${fmt(Math.max(...rs.map((r) => r.rssMb ?? 0))).padStart(6)} ${fmt((median(rs.map((r) => r.events!)) * 100_000) / N).padStart(7)} ${String(Math.max(...rs.map((r) => r.runs!))).padStart(4)} ${Math.max(...rs.map((r) => r.load)).toFixed(2).padStart(5)}`,
      );
    }
  }
  say('\ntargets (issue 4): ratio ≥ 0.75 e-mail, ≥ 0.6 HTTP; worker peak RSS < 512 MB; history bounded (runs > 1 = continue-as-new). To beat: listmonk 6,164 msg/s (BENCHMARKS.md).');
  for (const channel of CHANNELS) {
    const raws = results.filter((r) => r.channel === channel && r.setting === 'raw');
    const rawMed = raws.length ? median(raws.map((r) => r.rate)) : undefined;
    const target = channel === 'email' ? 0.75 : 0.6;
    let best: { s: string; med: number } | undefined;
    for (const s of SETTINGS) {
      const rs = results.filter((r) => r.channel === channel && r.kind === 'herald' && r.setting === label(s));
      if (!rs.length) continue;
      const med = median(rs.map((r) => r.rate));
      if (!best || med > best.med) best = { s: label(s), med };
      const rss = Math.max(...rs.map((r) => r.rssMb ?? 0));
      const runs = Math.max(...rs.map((r) => r.runs!));
      say(
        `  ${channel.padEnd(5)} ${label(s).padEnd(10)} ratio ${rawMed ? `${(med / rawMed).toFixed(2)} ${med / rawMed >= target ? 'met' : 'NOT met'}` : 'n/a'} (≥ ${target});` +
          ` RSS ${fmt(rss)} MB ${rss < 512 ? 'met' : 'NOT met'}; history ${runs > 1 ? `bounded (${runs} runs)` : 'one run (no continue-as-new)'}; listmonk ${med >= 6164 ? 'beaten' : `not beaten (${((med / 6164) * 100).toFixed(0)} %)`}`,
      );
    }
    if (best) say(`  best ${channel}: ${best.s} at ${fmt(best.med)} msg/s`);
  }
  say(`\ntotal time ${((performance.now() - started) / 60_000).toFixed(1)} min; load average at end ${load1().toFixed(2)}${failures ? `; ${failures} run(s) INVALID` : ''}`);
  if (failures) process.exitCode = 1;
} finally {
  await cleanup();
}
