/**
 * The campaign workflow on the real Temporal dev server, with the real activities, PostgreSQL and
 * channels speaking SMTP and HTTP to local sinks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { startTestWorker, type TestWorker } from './setup/worker.ts';
import { testConfig } from './setup/harness.ts';
import { createCampaignFixture, type CampaignFixture } from './fixtures/campaigns.ts';
import { waitFor } from './fixtures/reliability.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { startHttpSink, type HttpSink } from '../channels/sinks/http-sink.ts';
import { createChannels } from '../channels/index.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { campaignHandle, campaignState, runUpdate, startCampaign } from '../api/campaign-lifecycle.ts';
import {
  approveUpdate,
  editContentUpdate,
  pauseSignal,
  rejectUpdate,
  resumeSignal,
  sendNowUpdate,
  stopSignal,
  type CampaignWorkflowInput,
} from '../workflows/campaign-messages.ts';
import { ConflictError } from '../domain/errors.ts';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';

/**
 * RECORD_HISTORIES=1 writes the history of each scenario's run(s) to test/histories/, which the
 * replay test replays against the current workflow code: a non-deterministic change fails CI.
 */
async function recordHistory(name: string, campaignId: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const runs = worker.client.workflow.list({ query: `WorkflowId = 'campaign-${campaignId}'` });
  let i = 0;
  for await (const run of runs) {
    // The CLI's JSON export is the format Worker.runReplayHistory reads.
    const json = execFileSync(inject('temporalCli'), ['workflow', 'show', '-w', run.workflowId, '-r', run.runId, '--output', 'json', '--address', inject('temporalAddress')], { maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(new URL(`./histories/${name}${i++ ? `-${i}` : ''}.json`, import.meta.url), json);
  }
}

let db: TestDatabase;
let smtp: SmtpSink;
let http: HttpSink;
let httpUrl: string;
let worker: TestWorker;
let channels: ReturnType<typeof createChannels>;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpSink({ port: await freePort() });
  http = await startHttpSink({ port: await freePort() });
  httpUrl = `http://127.0.0.1:${http.port}`;
  channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PROVIDER_HTTP_URL: httpUrl }));
  worker = await startTestWorker(db.orm, channels);
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await smtp?.close();
  await http?.close();
  await db?.drop();
});

const input = (f: CampaignFixture, over: Partial<CampaignWorkflowInput> = {}): CampaignWorkflowInput => ({
  version: 1,
  campaignId: f.campaignId,
  companyId: f.companyId,
  createdBy: f.creatorId,
  approvalRequired: true,
  startAt: new Date(Date.now() + 3600_000).toISOString(),
  contentHash: 'hash-1',
  options: { batchSize: 100, maxInFlight: 2 },
  ...over,
});

async function rowStatus(campaignId: string) {
  const res = await db.orm.em.getKnex().raw<{ rows: { status: string; n: string }[] }>(
    'select status, count(*) as n from campaign_recipients where campaign_id = ? group by status order by status',
    [campaignId],
  );
  return Object.fromEntries(res.rows.map((r) => [r.status, Number(r.n)]));
}

async function campaignRow(campaignId: string) {
  const res = await db.orm.em.getKnex().raw<{ rows: { status: string; state_version: number; approval_status: string; approved_by_id: string | null }[] }>(
    'select status, state_version, approval_status, approved_by_id from campaigns where id = ?',
    [campaignId],
  );
  return res.rows[0]!;
}

describe('campaign workflow', () => {
  it('goes from approval through a schedule to a completed send, every message once', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'happy', contacts: 250 });
    const before = smtp.stats().received;
    expect((await startCampaign(worker.client, input(f), worker.taskQueue)).started).toBe(true);
    expect((await startCampaign(worker.client, input(f), worker.taskQueue)).started).toBe(false); // starting twice is fine

    const handle = campaignHandle(worker.client, f.campaignId);
    await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'pending_approval');
    // The row follows the workflow through the projection activity.
    await waitFor(() => campaignRow(f.campaignId), (r) => r.approval_status === 'pending' && r.status === 'pending_approval');

    // The creator may not approve their own campaign; the rejection names why.
    const own = await runUpdate(() => handle.executeUpdate(approveUpdate, { args: [{ approverId: f.creatorId }] })).catch((e: unknown) => e);
    expect(own).toBeInstanceOf(ConflictError);
    expect((own as Error).message).toMatch(/creator of a campaign cannot approve/);

    const approved = await handle.executeUpdate(approveUpdate, { args: [{ approverId: f.approverId, comment: 'looks good' }] });
    expect(['approved', 'scheduled']).toContain(approved.status);
    const scheduled = await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'scheduled');
    expect(scheduled.nextWakeAt).not.toBeNull();
    expect(scheduled.approvals.map((a) => [a.decision, a.by, a.comment])).toEqual([['approved', f.approverId, 'looks good']]);

    await handle.executeUpdate(sendNowUpdate, { args: [{ actorId: f.creatorId }] });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.counts).toEqual({ audience: 250, sent: 250, failed: 0, skipped: 0, remaining: 0 });

    expect(await rowStatus(f.campaignId)).toEqual({ sent: 250 });
    expect(smtp.stats().received - before).toBe(250);
    expect(smtp.stats().duplicateMessageIds).toBe(0);
    const mail = smtp.messages().find((m) => m.to.includes('c7@happy.example'))!;
    expect(mail.raw).toMatch(/Subject: Hello First7/);
    expect(mail.raw).toMatch(/List-Unsubscribe: <http:\/\/localhost:3000\/t\/u\/[\w-]+\.[\w-]+>/);
    expect(mail.raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);

    const row = await campaignRow(f.campaignId);
    expect(row.status).toBe('completed');
    expect(row.approval_status).toBe('approved');
    expect(row.approved_by_id).toBe(f.approverId);
    // pending_approval, approved, scheduled, sending, completed: one projection each, in order.
    expect(row.state_version).toBe(5);
    const audit = await db.orm.em.getKnex().raw<{ rows: { after: { status: string } }[] }>(
      `select after from audit_log where entity_id = ? order by id`,
      [f.campaignId],
    );
    expect(audit.rows.map((r) => r.after.status)).toEqual(['pending_approval', 'approved', 'scheduled', 'sending', 'completed']);
    await recordHistory('approved-scheduled-sent', f.campaignId);
  });

  it('records a rejection with its comment and ends', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'rejected', contacts: 5 });
    await startCampaign(worker.client, input(f), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'pending_approval');
    await handle.executeUpdate(rejectUpdate, { args: [{ approverId: f.approverId, comment: 'budget too high' }] });
    expect((await handle.result()).status).toBe('rejected');
    expect((await campaignRow(f.campaignId)).status).toBe('rejected');
    expect(await rowStatus(f.campaignId)).toEqual({}); // nothing was snapshotted, nothing sent
    await recordHistory('rejected', f.campaignId);
  });

  it('refuses the messages the current state does not allow', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'forbidden', contacts: 5 });
    await startCampaign(worker.client, input(f, { approvalRequired: false }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'scheduled');
    await expect(handle.executeUpdate(approveUpdate, { args: [{ approverId: f.approverId }] })).rejects.toThrow(WorkflowUpdateFailedError);
    // resume when not paused changes nothing
    await handle.signal(resumeSignal, { actorId: f.creatorId });
    expect((await campaignState(worker.client, f.campaignId)).status).toBe('scheduled');
    await handle.signal(stopSignal, { actorId: f.creatorId, reason: 'changed our mind' });
    expect((await handle.result()).status).toBe('stopped');
    const afterStop = await runUpdate(() => handle.executeUpdate(editContentUpdate, { args: [{ editorId: f.creatorId, contentHash: 'x', approvalRequired: false }] })).catch((e: unknown) => e);
    expect(afterStop).toBeInstanceOf(Error);
  });

  it('sends an edit made after approval back for approval', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'edited', contacts: 5 });
    await startCampaign(worker.client, input(f), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'pending_approval');
    await handle.executeUpdate(approveUpdate, { args: [{ approverId: f.approverId }] });
    await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'scheduled');
    const edited = await handle.executeUpdate(editContentUpdate, { args: [{ editorId: f.creatorId, contentHash: 'hash-2', approvalRequired: true }] });
    expect(edited.status).toBe('pending_approval');
    expect(edited.contentHash).toBe('hash-2');
    await handle.signal(stopSignal, { actorId: f.creatorId });
    expect((await handle.result()).status).toBe('stopped');
    await recordHistory('edited-after-approval-stopped', f.campaignId);
  });

  it('pauses, resumes and stops while sending without sending anyone twice', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'pausing', contacts: 1500, channel: 'sms' });
    await fetch(`${httpUrl}/_sink/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 5 }) });
    try {
      await startCampaign(worker.client, input(f, { approvalRequired: false, startAt: null }), worker.taskQueue);
      const handle = campaignHandle(worker.client, f.campaignId);
      await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'sending' && s.counts.audience > 0);
      await handle.signal(pauseSignal, { actorId: f.creatorId, reason: 'checking a typo' });
      const paused = await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'paused');
      expect(paused.pauseReason).toBe('checking a typo');
      const statsAt = async () => ((await (await fetch(`${httpUrl}/_sink/stats`)).json()) as { accepted: number; duplicates: number });
      const atPause = await statsAt();
      await new Promise((r) => setTimeout(r, 1500));
      expect((await statsAt()).accepted).toBe(atPause.accepted); // nothing leaves while paused
      expect(atPause.accepted).toBeLessThan(1500);

      await handle.signal(resumeSignal, { actorId: f.creatorId });
      await waitFor(() => statsAt(), (s) => s.accepted > atPause.accepted);
      await handle.signal(stopSignal, { actorId: f.creatorId, reason: 'enough' });
      const result = await handle.result();
      expect(result.status).toBe('stopped');
      const rows = await rowStatus(f.campaignId);
      const stats = await statsAt();
      expect(stats.duplicates).toBe(0);
      expect(rows.sent ?? 0).toBeGreaterThan(atPause.accepted);
      expect((rows.sent ?? 0) + (rows.skipped ?? 0)).toBe(1500);
      expect(result.counts.sent).toBe(rows.sent);
      expect(result.counts.skipped).toBe(rows.skipped);
      // The stopped campaign keeps the counts it ended with on its own row.
      const kept = await db.orm.em.getKnex().raw(`select audience_count, sent_count, failed_count, skipped_count from campaigns where id = ?`, [f.campaignId]);
      expect(kept.rows[0]).toEqual({ audience_count: 1500, sent_count: rows.sent, failed_count: 0, skipped_count: rows.skipped });
      await recordHistory('paused-resumed-stopped', f.campaignId);
    } finally {
      await fetch(`${httpUrl}/_sink/faults`, { method: 'POST', body: '{}' });
    }
  });

  it('snapshots only who may be contacted, and says why the others were left out', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'snapshot', contacts: 10 });
    const knex = db.orm.em.getKnex();
    await knex.raw(`update contacts set email = null where email = 'c1@snapshot.example'`);
    await knex.raw(`update contacts set consent = '{}' where email = 'c2@snapshot.example'`);
    await knex.raw(`update contacts set unsubscribed_at = now() where email = 'c3@snapshot.example'`);
    await knex.raw(`insert into suppressions (company_id, channel, address, reason, source) values (?, 'email', 'c4@snapshot.example', 'hard_bounce', 'test')`, [f.companyId]);
    await startCampaign(worker.client, input(f, { approvalRequired: false, startAt: null }), worker.taskQueue);
    const result = await campaignHandle(worker.client, f.campaignId).result();
    expect(result.counts).toEqual({ audience: 10, sent: 6, failed: 0, skipped: 4, remaining: 0 });
    const reasons = await knex.raw<{ rows: { reason: string; status: string }[] }>(
      `select reason, status from campaign_recipients where campaign_id = ? and reason is not null order by reason`,
      [f.campaignId],
    );
    expect(reasons.rows).toEqual([
      { reason: 'no_address', status: 'skipped' },
      { reason: 'no_consent', status: 'suppressed' },
      { reason: 'suppressed', status: 'suppressed' },
      { reason: 'unsubscribed', status: 'suppressed' },
    ]);
  });

  it('fails the recipient whose template cannot render, not the batch', async () => {
    const f = await createCampaignFixture(db.orm, {
      slug: 'render',
      contacts: 4,
      content: { email: { subject: 'Hi', html: '<p>{{ contact.nickname }}</p>' } },
    });
    await db.orm.em.getKnex().raw(`update contacts set attributes = attributes || '{"nickname":"Bo"}' where email in ('c1@render.example', 'c2@render.example')`);
    await startCampaign(worker.client, input(f, { approvalRequired: false, startAt: null }), worker.taskQueue);
    const result = await campaignHandle(worker.client, f.campaignId).result();
    expect(result.status).toBe('completed');
    expect(result.counts).toMatchObject({ sent: 2, failed: 2 });
    const failed = await db.orm.em.getKnex().raw<{ rows: { reason: string; error: string }[] }>(
      `select reason, error from campaign_recipients where campaign_id = ? and status = 'failed'`,
      [f.campaignId],
    );
    expect(failed.rows.every((r) => r.reason === 'render_error' && /nickname/.test(r.error))).toBe(true);
  });

  it('continues as new to keep history bounded, carrying its cursor and counters', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'long', contacts: 600 });
    await startCampaign(worker.client, input(f, { approvalRequired: false, startAt: null, options: { batchSize: 50, maxInFlight: 2, batchesPerRun: 4 } }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.counts).toEqual({ audience: 600, sent: 600, failed: 0, skipped: 0, remaining: 0 });
    expect(await rowStatus(f.campaignId)).toEqual({ sent: 600 });
    const runs: number[] = [];
    for await (const run of worker.client.workflow.list({ query: `WorkflowId = 'campaign-${f.campaignId}'` })) runs.push(run.historyLength);
    // 12 batches at 4 per run: at least 3 runs, none of them carrying the whole send.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...runs)).toBeLessThan(200);
    await recordHistory('continued-as-new', f.campaignId);
  });
});
