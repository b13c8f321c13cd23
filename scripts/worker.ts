/**
 * `npm run worker`: the Temporal worker (task queue `campaigns`) with every workflow and activity.
 * Scale it by running more of them against the same TEMPORAL_ADDRESS and DATABASE_URL.
 */
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client, type Connection } from '@temporalio/client';
import { loadConfig } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { connectClient, connectWorker } from '../config/temporal.ts';
import { initOrm } from '../db/orm.ts';
import { createActivities } from '../activities/index.ts';
import { createChannels } from '../channels/index.ts';
import { databaseUrl, exitWithParent, fatal, temporalAddress } from './lib/defaults.ts';

const config = loadConfig();
const log = createLogger(config, 'worker');
// The SDK's own log (bundling, state changes) goes through our logger, warnings and worse only.
Runtime.install({
  logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
    const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
    log[method]({ sdk: meta }, message);
  }),
});

try {
  const orm = await initOrm({ clientUrl: databaseUrl(config), poolMax: config.DATABASE_POOL_MAX, migrate: true });
  const connection = await connectWorker(config, temporalAddress(config));
  const channels = createChannels(config);
  // Recurring campaigns' schedules are created, paused and deleted by activities: one client, made on first use.
  let clientConnection: Promise<Connection> | undefined;
  const temporal = async () => {
    clientConnection ??= connectClient(config, temporalAddress(config));
    return new Client({ connection: await clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    activities: createActivities({ orm, config, log, channels, temporal }),
    // In-flight batches get this long to record what they sent before the worker goes away.
    shutdownGraceTime: '10s',
    // Heartbeats carry pause/stop to a running batch: let them through at least every second.
    maxHeartbeatThrottleInterval: '1 second',
  });
  exitWithParent(() => worker.shutdown());
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, heapLimitMb }, 'worker polling');
  // npm start, the image and the benchmark set the limits (scripts/worker-heap.ts); a bare
  // `tsx scripts/worker.ts` gets V8's default, sized from the machine's memory.
  if (heapLimitMb > 512) log.warn({ heapLimitMb }, 'worker heap not limited: start it with --max-old-space-size=160 --max-semi-space-size=8 (scripts/worker-heap.ts)');
  // run() resolves after shutdown() (SIGINT/SIGTERM are handled by the SDK's runtime).
  await worker.run();
  await connection.close();
  if (clientConnection) await (await clientConnection).close();
  await channels.closeAll();
  await orm.close();
  log.info('worker stopped');
  // The IPC channel to the launcher would keep the process alive.
  process.exit(0);
} catch (err) {
  fatal(log, err);
}
