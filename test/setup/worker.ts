/** A real worker on the shared Temporal dev server, with Herald's real activities and channels. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createActivities } from '../../activities/index.ts';
import type { ChannelRegistry } from '../../activities/send-batch.ts';
import { createLogger } from '../../config/logger.ts';
import { testConfig } from './harness.ts';

export interface TestWorker {
  client: Client;
  taskQueue: string;
  close: () => Promise<void>;
}

export async function startTestWorker(orm: MikroORM, channels: ChannelRegistry, opts: { sendConcurrency?: number; env?: Record<string, string> } = {}): Promise<TestWorker> {
  const taskQueue = `campaigns-${randomUUID()}`;
  const native = await NativeConnection.connect({ address: inject('temporalAddress') });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const config = testConfig(opts.env);
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ orm, config, log: createLogger(config, 'test-worker'), channels, temporal: async () => client, ...(opts.sendConcurrency ? { sendConcurrency: opts.sendConcurrency } : {}) }),
    maxHeartbeatThrottleInterval: '1 second',
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await native.close();
    },
  };
}
