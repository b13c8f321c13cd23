/**
 * A tracked-only campaign (paid ads, social, organic, direct mail) has a lifecycle: submitted, approved
 * when its budget asks for it, scheduled until its start, running (`sending`: tracking) until its end,
 * then completed. Through the real API on the Temporal dev server with short windows, and on the
 * time-skipping server for a month-long one. It never snapshots an audience or sends anything.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createApp } from '../api/app.ts';
import { createActivities } from '../activities/index.ts';
import { createChannels } from '../channels/index.ts';
import { createLogger } from '../config/logger.ts';
import { createTestDeps, testConfig, type TestDeps } from './setup/harness.ts';
import { startTestWorker, type TestWorker } from './setup/worker.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { createCampaignFixture } from './fixtures/campaigns.ts';
import { waitFor } from './fixtures/reliability.ts';
import { campaignWorkflowId, pauseSignal, stateQuery, type CampaignStateView } from '../workflows/campaign-messages.ts';
import type { campaignWorkflow } from '../workflows/campaign.ts';

let t: TestDeps;
let app: Hono;
let worker: TestWorker;
let channels: ReturnType<typeof createChannels>;
let co: ApiCompany;
const api = {} as Record<'manager' | 'approver' | 'viewer', ReturnType<typeof as>>;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

beforeAll(async () => {
  t = await createTestDeps();
  channels = createChannels(testConfig());
  worker = await startTestWorker(t.db.orm, channels);
  t.deps.config = { ...t.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
  app = createApp(t.deps) as unknown as Hono;
  co = await createApiCompany(t.db.orm, 'tracked-life');
  for (const role of ['manager', 'approver', 'viewer'] as const) api[role] = as(app, (await signIn(app, co.users[role].email)).token);
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await t?.close();
});

async function create(over: Record<string, unknown>): Promise<string> {
  const res = await api.manager.post('/api/campaigns', { name: `Ads ${randomUUID().slice(0, 6)}`, type: 'promotional', channel: 'paid_ads', ...over });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
const stateOf = async (id: string) => (await api.viewer.get(`/api/campaigns/${id}`)).body as { status: string; state: CampaignStateView | null };
const kinds = async (id: string) => (await q<{ kind: string }>(`select kind from notifications where payload->>'campaignId' = ? order by created_at, id`, [id])).map((r) => r.kind);
const statusTrail = async (id: string) =>
  (await q<{ s: string }>(`select after->>'status' as s from audit_log where entity_id = ? and action = 'campaign.status_changed' order by id`, [id])).map((r) => r.s);

describe('a tracked-only campaign through the API', () => {
  it('is submitted, approved, scheduled, tracks between start and end (counting its figures) and completes, never sending', async () => {
    // Room for submit and approval before the start, even on a busy machine.
    const startAt = inMs(10_000);
    const endAt = inMs(17_000);
    const id = await create({ budget: '5000.00', startAt, endAt });

    const submitted = await api.manager.post(`/api/campaigns/${id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.status).toBe('pending_approval'); // 5 000 is over the company's 1 000 threshold
    await waitFor(() => kinds(id), (k) => k.includes('approval.requested'));
    // Same approver rule as any campaign: never the creator.
    expect((await api.manager.post(`/api/campaigns/${id}/approve`, {})).status).toBe(403);
    const approved = await api.approver.post(`/api/campaigns/${id}/approve`, { comment: 'go' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const scheduled = await waitFor(() => stateOf(id), (s) => s.state?.status === 'scheduled' && s.state.nextWakeAt !== null);
    expect(scheduled.state!.nextWakeAt).toBe(startAt);
    expect(scheduled.state!.approvals.map((a) => [a.decision, a.by, a.comment])).toEqual([['approved', co.users.approver.id, 'go']]);
    expect((await api.viewer.get('/api/campaigns?status=draft&channel=paid_ads')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    const running = await waitFor(() => stateOf(id), (s) => s.state?.status === 'sending' && s.state.nextWakeAt !== null, 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(startAt));
    expect(running.state!.nextWakeAt).toBe(endAt); // tracking until its end date
    expect((await api.viewer.get('/api/campaigns?status=sending')).body.items.map((i: { id: string }) => i.id)).toContain(id);

    // Pause and resume do not apply to a campaign Herald does not send: a clear 409, nothing changes.
    for (const kind of ['pause', 'resume'] as const) {
      const res = await api.manager.post(`/api/campaigns/${id}/${kind}`, {});
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'tracked_only', details: { channel: 'paid_ads' } });
      expect(res.body.error.message).toMatch(/tracked, not sent/);
    }

    const today = new Date().toISOString().slice(0, 10);
    const posted = await api.manager.post(`/api/campaigns/${id}/metrics`, { days: [{ day: today, impressions: 4000, reach: 3000, clicks: 200, leads: 20, conversions: 4, revenue: '800.00', spend: '300.00' }] });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    const figures = await api.viewer.get(`/api/analytics/campaigns/${id}`);
    expect(figures.body.keyMetrics).toMatchObject({ leads: 20, conversions: 4 });
    expect(figures.body.metrics.money).toMatchObject({ revenue: '800.00', cost: '300.00' });

    const done = await waitFor(() => stateOf(id), (s) => s.status === 'completed', 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(endAt));
    expect(done.state).toMatchObject({ status: 'completed', counts: { audience: 0, sent: 0 }, approvals: [{ decision: 'approved', by: co.users.approver.id }] });
    expect(await statusTrail(id)).toEqual(['pending_approval', 'approved', 'scheduled', 'sending', 'completed']);
    expect(await q(`select decision, approver_id, comment from approvals where campaign_id = ?`, [id])).toEqual([{ decision: 'approved', approver_id: co.users.approver.id, comment: 'go' }]);
    expect(await q(`select status, approval_status from campaigns where id = ?`, [id])).toEqual([{ status: 'completed', approval_status: 'approved' }]);
    expect(await kinds(id)).toEqual(expect.arrayContaining(['approval.requested', 'campaign.approved', 'campaign.started', 'campaign.completed']));
    expect(await q(`select 1 from campaign_recipients where campaign_id = ?`, [id])).toEqual([]);
    // Figures keep counting after the end (late reports from the ad platform).
    expect((await api.viewer.get(`/api/analytics/campaigns/${id}`)).body.keyMetrics.leads).toBe(20);
  });

  it('goes straight to the calendar under the threshold, and stop ends its tracking early', async () => {
    const id = await create({ budget: '500.00', startAt: inMs(4_000), endAt: inMs(3_600_000) });
    const submitted = await api.manager.post(`/api/campaigns/${id}/submit`);
    expect(submitted.body.status).toBe('scheduled');
    await waitFor(() => stateOf(id), (s) => s.status === 'sending', 15_000);
    const stopped = await api.manager.post(`/api/campaigns/${id}/stop`, { reason: 'budget moved' });
    expect(stopped.status).toBe(200);
    await waitFor(() => stateOf(id), (s) => s.status === 'stopped');
    expect(await statusTrail(id)).toEqual(['scheduled', 'sending', 'stopped']);
    expect(await kinds(id)).toEqual(expect.arrayContaining(['campaign.started', 'campaign.stopped']));
    expect(await q(`select 1 from campaign_recipients where campaign_id = ?`, [id])).toEqual([]);
    expect((await api.manager.post(`/api/campaigns/${id}/submit`)).status).toBe(409);
  });
});

describe('a month-long tracked campaign (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } } });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('waits for its start, tracks for 30 days ignoring a pause, and completes at its end date, in seconds of wall time', async () => {
    const f = await createCampaignFixture(t.db.orm, { slug: 'tracked-month', contacts: 5 });
    const DAY = 24 * 3600_000;
    const now = await env.currentTimeMs();
    const startAt = new Date(now + 2 * DAY).toISOString();
    const endAt = new Date(now + 32 * DAY).toISOString();
    await q(`update campaigns set primary_channel = 'social', channels = '{social}', start_at = ?, end_at = ? where id = ?`, [startAt, endAt, f.campaignId]);
    const taskQueue = `tracked-${randomUUID()}`;
    const config = testConfig();
    const w = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ orm: t.db.orm, config, log: createLogger(config, 'tracked'), channels }),
    });
    const wall = Date.now();
    const out = await w.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
        taskQueue,
        workflowId: campaignWorkflowId(f.campaignId),
        args: [{ version: 1, campaignId: f.campaignId, companyId: f.companyId, createdBy: f.creatorId, approvalRequired: false, startAt, contentHash: 'h', tracked: true, options: { searchAttributes: false } }],
      });
      await env.sleep(DAY);
      const before = await handle.query(stateQuery);
      await env.sleep(2 * DAY);
      const during = await handle.query(stateQuery);
      await handle.signal(pauseSignal, { actorId: f.creatorId });
      await env.sleep(DAY);
      const afterPause = await handle.query(stateQuery);
      const result = await handle.result();
      return { before, during, afterPause, result, endedAt: await env.currentTimeMs() };
    });
    expect(out.before.status).toBe('scheduled');
    expect(out.during.status).toBe('sending');
    expect(out.during.nextWakeAt).toBe(endAt);
    expect(out.afterPause.status).toBe('sending');
    expect(out.result.status).toBe('completed');
    expect(out.endedAt).toBeGreaterThanOrEqual(Date.parse(endAt));
    expect(Date.now() - wall).toBeLessThan(20_000);
    expect(await statusTrail(f.campaignId)).toEqual(['scheduled', 'sending', 'completed']);
    expect(await q(`select 1 from campaign_recipients where campaign_id = ?`, [f.campaignId])).toEqual([]);
  });
});
