/**
 * `npm start`: Herald on embedded defaults, zero configuration. Starts (unless pointed elsewhere by
 * DATABASE_URL / TEMPORAL_ADDRESS) PostgreSQL and the Temporal dev server with their data under
 * DATA_DIR, applies migrations, seeds demo data on the first start, then runs the channel sinks, the
 * worker and the API as child processes. SIGINT/SIGTERM stops everything in reverse order.
 */
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, describeDatabaseUrl } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { initOrm } from '../db/orm.ts';
import { demoLogins, demoLoginsOf, DEMO_PASSWORD, seedDemo } from '../db/seed/demo.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from './lib/temporal-server.ts';
import { ensureTemporalBinaries, PROJECT_ROOT } from './lib/temporal-bin.ts';
import { startNodeChild, type Supervised } from './lib/children.ts';
import { dataDir, databaseUrl, EMBEDDED_DB_NAME, fatal, temporalAddress, temporalUiUrl } from './lib/defaults.ts';
import { workerEnv } from './worker-heap.ts';

const started = Date.now();
const config = loadConfig();
const log = createLogger(config, 'herald');
const dir = dataDir(config);

let postgres: RunningPostgres | undefined;
let temporal: RunningTemporal | undefined;
const children: Supervised[] = [];
let stopping: Promise<void> | undefined;

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    log.info('stopping Herald…');
    // Reverse order of start: the API first (no new requests), then the worker (finishes its tasks),
    // then the sinks, then Temporal and PostgreSQL, which flush their data on a clean stop.
    const timed = async (name: string, stop: (() => Promise<void>) | undefined) => {
      if (!stop) return;
      const t = Date.now();
      await stop();
      log.debug({ ms: Date.now() - t }, `${name} stopped`);
    };
    for (const name of ['api', 'worker', 'sinks']) {
      const child = children.find((c) => c.name === name);
      await timed(name, child && (() => child.stop()));
    }
    await timed('temporal', temporal?.stop);
    await timed('postgres', postgres?.stop);
    log.info('Herald stopped');
    process.exit(code);
  })();
  return stopping;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));

try {
  let dbUrl = databaseUrl(config);
  if (!config.DATABASE_URL) {
    postgres = await startEmbeddedPostgres({
      dataDir: join(dir, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      log: (line) => {
        if (/FATAL|PANIC|made traversable|initialising|creating the system user/.test(line) && !/administrator command/.test(line)) log.info({ component: 'postgres' }, line);
      },
    });
    await ensureDatabase(postgres.url('postgres'), EMBEDDED_DB_NAME);
    dbUrl = postgres.url(EMBEDDED_DB_NAME);
    log.info({ url: describeDatabaseUrl(dbUrl) }, 'embedded PostgreSQL ready');
  }

  let tAddress = temporalAddress(config);
  if (!config.TEMPORAL_ADDRESS) {
    const { cli } = ensureTemporalBinaries();
    temporal = await startTemporalDevServer({
      cli,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      dbFilename: join(dir, 'temporal.db'),
      log: (line) => {
        if (/"level":"(error|fatal)"|panic|address already in use/i.test(line)) log.warn({ component: 'temporal' }, line);
      },
    });
    tAddress = temporal.address;
    log.info({ address: tAddress }, 'Temporal dev server ready');
  }

  const orm = await initOrm({ clientUrl: dbUrl, migrate: true });
  const seeded = config.SEED_DEMO ? await seedDemo(orm) : false;
  await orm.close();
  if (seeded) log.info('demo data seeded (first start)');

  const uiUrl = temporalUiUrl(config) ?? temporal?.uiUrl;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: tAddress,
    ...(uiUrl ? { TEMPORAL_UI_URL: uiUrl } : {}),
  };
  const script = (name: string) => join(PROJECT_ROOT, 'scripts', `${name}.ts`);
  if (!config.SMTP_URL || !config.PROVIDER_HTTP_URL) children.push(startNodeChild('sinks', script('sinks'), env));
  children.push(startNodeChild('worker', script('worker'), workerEnv(env)));
  children.push(startNodeChild('api', script('api'), env));
  for (const c of children) {
    void c.exited.then((code) => {
      if (!stopping) {
        log.error(`${c.name} exited unexpectedly (code ${code}); stopping Herald`);
        void shutdown(1);
      }
    });
  }
  await Promise.all(children.filter((c) => c.name !== 'worker').map((c) => c.ready));

  const base = config.publicUrl;
  const lines = [
    '',
    `Herald is ready (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  Console        ${base}/`,
    `  API            ${base}/api   (health: ${base}/readyz)`,
    ...(uiUrl ? [`  Temporal UI    ${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`] : []),
    `  Temporal       ${tAddress}  namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}`,
    `  PostgreSQL     ${describeDatabaseUrl(dbUrl)}`,
    ...(config.SMTP_URL ? [] : [`  Mail sink      smtp://127.0.0.1:${config.SINK_SMTP_PORT}  (captured: http://127.0.0.1:${config.SINK_HTTP_PORT}/_mail/messages)`]),
    `  Data           ${dir}`,
    '',
    `  Demo logins (password "${DEMO_PASSWORD}"):`,
    `    Acme Retail     ${demoLogins().map((l) => l.email).join(', ')}`,
    `    Aurelia Jewels  ${demoLoginsOf('aurelia').map((l) => l.email).join(', ')}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
} catch (err) {
  if (!stopping) {
    await Promise.allSettled(children.map((c) => c.stop(5_000)));
    await temporal?.stop().catch(() => {});
    await postgres?.stop().catch(() => {});
    fatal(log, err);
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}
