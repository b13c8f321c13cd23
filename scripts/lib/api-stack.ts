/**
 * The stack `bench:api` and `fuzz:api` drive: an embedded PostgreSQL (migrated), a Temporal dev
 * server and the real API process (scripts/api.ts on @hono/node-server, a child of ours) on free
 * ports, in a temporary folder that is removed afterwards. No worker unless `worker` is set (then the
 * worker and the local channel sinks run too, as `npm start` runs them, so workflows the API starts
 * really run). `prepare` seeds the database before the API starts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../db/orm.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from './temporal-server.ts';
import { ensureTemporalBinaries, PROJECT_ROOT } from './temporal-bin.ts';
import { freePort } from './ports.ts';
import { startNodeChild, type Supervised } from './children.ts';
import { workerEnv } from '../worker-heap.ts';

export interface ApiStackOptions {
  /** Names the temporary folder. */
  name: string;
  /**
   * Run in this folder instead of a temporary one, and keep it after `stop`: a database left there by
   * an earlier run is started as it is (and migrated), so a benchmark can reuse data it took minutes
   * to generate.
   */
  dir?: string;
  /** Runs against the migrated database before the API starts. */
  prepare?: (orm: MikroORM) => Promise<void>;
  /** Extra environment for the API process (e.g. DATABASE_POOL_MAX). */
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** Receives the API process's stdout and stderr (its JSON log); unset: they go to ours. */
  apiOutput?: (chunk: string) => void;
  /** Extra Node flags for the API process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Also run the worker and the channel sinks (scripts/worker.ts, scripts/sinks.ts). */
  worker?: boolean;
}

export interface ApiStack {
  /** http://127.0.0.1:<port> */
  base: string;
  apiPid: number;
  pg: RunningPostgres;
  temporal: RunningTemporal;
  /** The launcher's own connection (pool of 4) for seeding and verification. */
  orm: MikroORM;
  stop: () => Promise<void>;
}

export async function startApiStack(opts: ApiStackOptions): Promise<ApiStack> {
  const log = opts.log ?? (() => {});
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `herald-${opts.name}-`));
  let pg: RunningPostgres | undefined;
  let temporal: RunningTemporal | undefined;
  let orm: MikroORM | undefined;
  let api: ChildProcess | undefined;
  const helpers: Supervised[] = [];

  const stop = async () => {
    if (api && api.exitCode === null && api.signalCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
    }
    // The worker finishes its tasks before the sinks it sends to go away.
    for (const h of helpers.reverse()) await h.stop().catch(() => {});
    await orm?.close(true).catch(() => {});
    await Promise.allSettled([temporal?.stop(), pg?.stop()]);
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [pgPort, tPort, apiPort, smtpPort, httpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort });
    const tPromise = startTemporalDevServer({ cli: ensureTemporalBinaries().cli, port: tPort, uiPort: 0, namespace: 'default' });
    // Whichever fails first, the other must not be left unobserved.
    tPromise.catch(() => {});
    const dbUrl = pg.url('postgres');
    orm = await initOrm({ clientUrl: dbUrl, migrate: true, poolMax: 4 });
    log('database migrated');
    if (opts.prepare) await opts.prepare(orm);
    temporal = await tPromise;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      DATA_DIR: join(dir, 'data'),
      SINK_SMTP_PORT: String(smtpPort),
      SINK_HTTP_PORT: String(httpPort),
      ...opts.env,
    };
    if (opts.worker) {
      const script = (name: string) => join(PROJECT_ROOT, 'scripts', `${name}.ts`);
      const sinks = startNodeChild('sinks', script('sinks'), env);
      helpers.push(sinks);
      await sinks.ready;
      // The worker says nothing when it polls; it picks up whatever the API starts once it is up.
      const worker = startNodeChild('worker', script('worker'), workerEnv(env));
      helpers.push(worker);
      log(`worker pid ${worker.child.pid}, channel sinks on SMTP ${smtpPort} and HTTP ${httpPort}`);
    }
    api = fork(join(PROJECT_ROOT, 'scripts/api.ts'), [], {
      execArgv: ['--import', 'tsx', ...(opts.nodeArgs ?? [])],
      stdio: ['ignore', opts.apiOutput ? 'pipe' : 'inherit', opts.apiOutput ? 'pipe' : 'inherit', 'ipc'],
      env,
    });
    const child = api;
    if (opts.apiOutput) {
      const sink = opts.apiOutput;
      child.stdout?.setEncoding('utf8').on('data', (s: string) => sink(s));
      child.stderr?.setEncoding('utf8').on('data', (s: string) => sink(s));
    }
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the API exited during start-up (code ${code})`)));
      child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve());
    });
    log(`API pid ${child.pid} on http://127.0.0.1:${apiPort}`);
    return { base: `http://127.0.0.1:${apiPort}`, apiPid: child.pid!, pg, temporal, orm, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** POST /api/auth/login; returns the access token. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${text}`);
  return (JSON.parse(text) as { accessToken: string }).accessToken;
}
