import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { createHarnessActivities } from './fixtures/harness-activities.ts';
import { seedDemo } from '../db/seed/demo.ts';

describe('workflows on the real Temporal dev server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs a workflow whose activity reads PostgreSQL through the worker', async () => {
    await seedDemo(db.orm);
    const taskQueue = `test-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities: createHarnessActivities(db.orm),
      });
      const client = new Client({ connection });
      const handle = await client.workflow.start('countTenants', { taskQueue, workflowId: `harness-${randomUUID()}`, args: [] });
      const result = await worker.runUntil(handle.result());
      expect(result).toBe(2); // the demo seed's two companies
      // The server recorded the run: its history holds the completed activity, for ops to inspect.
      const history = await handle.fetchHistory();
      const types = (history.events ?? []).map((e) => e.activityTaskCompletedEventAttributes ? 'activityCompleted' : e.workflowExecutionCompletedEventAttributes ? 'workflowCompleted' : null);
      expect(types).toContain('activityCompleted');
      expect(types).toContain('workflowCompleted');
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

describe('time-skipping test server', () => {
  it('completes a durable timer of three days in seconds of wall time', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
    });
    try {
      const taskQueue = `ts-${randomUUID()}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      const wallStart = Date.now();
      const result = await worker.runUntil(
        env.client.workflow.execute('durableTimer', { taskQueue, workflowId: `timer-${randomUUID()}`, args: [3] }),
      );
      const wallMs = Date.now() - wallStart;
      expect(result.sleptMs).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
      expect(wallMs).toBeLessThan(15_000);
    } finally {
      await env.teardown();
    }
  });
});
