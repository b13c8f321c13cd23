/**
 * The campaign workflow's long timers on Temporal's time-skipping server: a campaign scheduled days
 * ahead, an approval reminder after a day and an expiry after a week, all in seconds of wall time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { testConfig } from './setup/harness.ts';
import { createCampaignFixture, type CampaignFixture } from './fixtures/campaigns.ts';
import { createActivities } from '../activities/index.ts';
import { createChannels } from '../channels/index.ts';
import { createLogger } from '../config/logger.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { campaignWorkflowId, stateQuery, type CampaignWorkflowInput } from '../workflows/campaign-messages.ts';
import type { campaignWorkflow } from '../workflows/campaign.ts';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let smtp: SmtpSink;
let channels: ReturnType<typeof createChannels>;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpSink({ port: await freePort() });
  channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } } });
});
afterAll(async () => {
  await env?.teardown();
  await channels?.closeAll();
  await smtp?.close();
  await db?.drop();
});

const DAY = 24 * 3600_000;

async function run(f: CampaignFixture, over: Partial<CampaignWorkflowInput>) {
  const taskQueue = `timers-${randomUUID()}`;
  const config = testConfig();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ orm: db.orm, config, log: createLogger(config, 'timers'), channels }),
  });
  const input: CampaignWorkflowInput = {
    version: 1,
    campaignId: f.campaignId,
    companyId: f.companyId,
    createdBy: f.creatorId,
    approvalRequired: false,
    startAt: null,
    contentHash: 'h',
    options: { searchAttributes: false },
    ...over,
  };
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', { taskQueue, workflowId: campaignWorkflowId(f.campaignId), args: [input] });
    const wallStart = Date.now();
    const result = await handle.result();
    return { result, wallMs: Date.now() - wallStart, state: await handle.query(stateQuery) };
  });
}

async function notifications(campaignId: string) {
  const res = await db.orm.em.getKnex().raw<{ rows: { kind: string }[] }>(`select kind from notifications where payload->>'campaignId' = ? order by created_at, kind`, [campaignId]);
  return res.rows.map((r) => r.kind);
}

describe('campaign timers (time-skipping)', () => {
  it('waits on a durable timer until a start three days ahead, then sends', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'later', contacts: 20 });
    const startAt = new Date((await env.currentTimeMs()) + 3 * DAY).toISOString();
    const { result, wallMs } = await run(f, { startAt });
    expect(result.status).toBe('completed');
    expect(result.counts.sent).toBe(20);
    expect(wallMs).toBeLessThan(20_000);
    const sentAt = await db.orm.em.getKnex().raw<{ rows: { n: string }[] }>(`select count(*) as n from campaign_recipients where campaign_id = ? and status = 'sent'`, [f.campaignId]);
    expect(Number(sentAt.rows[0]!.n)).toBe(20);
  });

  it('reminds the approvers after a day and gives up after a week, back to nobody sending', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'waiting', contacts: 3 });
    const { result, state, wallMs } = await run(f, {
      approvalRequired: true,
      options: { searchAttributes: false, approvalReminderMs: DAY, approvalExpiryMs: 7 * DAY },
    });
    expect(result.status).toBe('cancelled');
    expect(state.approvals.map((a) => a.decision)).toEqual(['expired']);
    expect(wallMs).toBeLessThan(20_000);
    expect(await notifications(f.campaignId)).toEqual(['approval.requested', 'approval.reminder', 'approval.expired']);
    const row = await db.orm.em.getKnex().raw<{ rows: { status: string; approval_status: string }[] }>(`select status, approval_status from campaigns where id = ?`, [f.campaignId]);
    expect(row.rows[0]).toEqual({ status: 'cancelled', approval_status: 'expired' });
    expect(smtp.stats().received).toBe(20); // only the first test's messages: nothing sent here
  });
});
