/**
 * Recurring campaigns through the API against the real PostgreSQL, Temporal dev server, worker and
 * SMTP sink: the recurrence is validated field by field, set and cleared with If-Match while the
 * campaign is editable, approved once for the series, and then a Temporal Schedule starts one
 * occurrence per run (sent without another approval); pause, resume and stop of the campaign pause,
 * unpause and delete the schedule; GET shows the cadence, the next runs and the occurrences.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { startApiWithWorker, type ApiWithWorker } from './setup/api-worker.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { waitFor } from './fixtures/reliability.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { recurringSchedule } from '../api/campaign-lifecycle.ts';

let t: ApiWithWorker['t'];
let app: ApiWithWorker['app'];
let worker: ApiWithWorker['worker'];
let smtp: ApiWithWorker['smtp'];
let stack: ApiWithWorker;
let acme: ApiCompany;
const tokens: Record<string, string> = {};

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const draft = (over: Record<string, unknown> = {}) => ({
  name: 'Weekly news',
  type: 'newsletter',
  channel: 'email',
  startAt: inHours(0),
  endAt: inHours(24 * 60),
  budget: '5000.00',
  content: { email: { subject: 'This week, {{ contact.first_name }}', html: '<p>News for {{ contact.first_name }}</p>' } },
  sender: { fromEmail: 'news@acme.example', fromName: 'Acme' },
  audience: { rules: { field: 'region', op: '=', value: 'East' } },
  recurrence: { frequency: 'weekly', at: '09:00', weekdays: ['mon'] },
  ...over,
});

beforeAll(async () => {
  stack = await startApiWithWorker();
  ({ t, app, worker, smtp } = stack);
  acme = await createApiCompany(t.deps.orm, 'recur-acme');
  await t.deps.orm.em.getKnex().raw(`update companies set time_zone = 'Europe/Berlin' where id = ?`, [acme.id]);
  await addContacts(t.deps.orm, acme.id, 'recur-acme', 1, 30);
  for (const role of ['manager', 'approver'] as const) tokens[role] = (await signIn(app, acme.users[role].email)).token;
});
afterAll(async () => {
  await stack?.close();
});

/**
 * RECORD_HISTORIES=1 writes the series' run and its occurrence's run to test/histories/, which the
 * replay test replays against the current workflow code (the CLI's JSON export, as for the others).
 */
function recordHistory(name: string, workflowId: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const json = execFileSync(inject('temporalCli'), ['workflow', 'show', '-w', workflowId, '--output', 'json', '--address', inject('temporalAddress')], { maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(new URL(`./histories/${name}.json`, import.meta.url), json);
}

/** Weekday and wall-clock time of an instant in Berlin, e.g. "Mon 09:00". */
const berlin = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)).replace(',', '');

describe('recurring campaigns', () => {
  it('refuses a wrong recurrence with a 422 naming the field', async () => {
    const m = as(app, tokens.manager!);
    const cases: [unknown, string, string][] = [
      [{ frequency: 'weekly', at: '09:00' }, 'recurrence.weekdays', 'pick at least one day of the week for a weekly campaign'],
      [{ frequency: 'monthly', at: '09:00', dayOfMonth: 31 }, 'recurrence.dayOfMonth', 'must be a whole number from 1 to 28 (a day every month has)'],
      [{ frequency: 'daily', at: '9:00' }, 'recurrence.at', 'must be a time of day as HH:MM (24-hour), e.g. 09:00'],
      [{ frequency: 'daily', at: '09:00', timeZone: 'Europe/Atlantis' }, 'recurrence.timeZone', 'must be an IANA time zone such as Europe/Berlin'],
    ];
    for (const [recurrence, field, message] of cases) {
      const res = await m.post('/api/campaigns', draft({ recurrence }));
      expect(res.status, field).toBe(422);
      expect(res.body.error.details.issues).toEqual([{ field, message }]);
    }
    const tracked = await m.post('/api/campaigns', draft({ channel: 'paid_ads', content: {}, sender: {}, audience: undefined }));
    expect(tracked.status).toBe(422);
    expect(tracked.body.error.details.issues).toEqual([{ field: 'recurrence', message: 'a paid_ads campaign is tracked, not sent, so it cannot recur' }]);
  });

  it("keeps the company's time zone by default; edits set and clear it with If-Match while a draft", async () => {
    const m = as(app, tokens.manager!);
    const created = await m.post('/api/campaigns', draft({ recurrence: { frequency: 'monthly', at: '18:30', dayOfMonth: 1 } }));
    expect(created.status).toBe(201);
    expect(created.body.recurrence).toEqual({ frequency: 'monthly', at: '18:30', dayOfMonth: 1, timeZone: 'Europe/Berlin' });
    const got = await m.get(`/api/campaigns/${created.body.id}`);
    expect(got.body.series).toEqual({ description: 'Every month on the 1st at 18:30 (Europe/Berlin)', schedule: null, occurrences: [] });

    const stale = await m.patch(`/api/campaigns/${created.body.id}`, { recurrence: null }, { 'if-match': '"99"' });
    expect(stale.status).toBe(412);
    const cleared = await m.patch(`/api/campaigns/${created.body.id}`, { recurrence: null }, { 'if-match': `"${created.body.version}"` });
    expect(cleared.status).toBe(200);
    expect(cleared.body.recurrence).toBeNull();
    expect((await m.get(`/api/campaigns/${created.body.id}`)).body.series).toBeUndefined();
    const again = await m.patch(`/api/campaigns/${created.body.id}`, { recurrence: { frequency: 'daily', at: '07:00', timeZone: 'America/New_York' } }, { 'if-match': `"${cleared.body.version}"` });
    expect(again.body.recurrence).toEqual({ frequency: 'daily', at: '07:00', timeZone: 'America/New_York' });
    const audit = await t.deps.orm.em.getKnex().raw(`select after from audit_log where entity_id = ? and action = 'campaign.updated' order by id`, [created.body.id]);
    expect(audit.rows.map((r: { after: { recurrence?: unknown } }) => r.after.recurrence)).toEqual([null, { frequency: 'daily', at: '07:00', timeZone: 'America/New_York' }]);
  });

  it('is approved once for the series, then a schedule sends each occurrence; pause, resume and stop act on the schedule', async () => {
    const m = as(app, tokens.manager!);
    const a = as(app, tokens.approver!);
    const created = await m.post('/api/campaigns', draft());
    const id = created.body.id as string;
    const submitted = await m.post(`/api/campaigns/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('pending_approval');
    expect((await m.get(`/api/campaigns/${id}`)).body.series.schedule).toBeNull(); // nothing runs before approval

    // The cadence may change while waiting for approval; becoming a one-off may not.
    const flip = await m.patch(`/api/campaigns/${id}`, { recurrence: null });
    expect(flip.status).toBe(409);
    expect(flip.body.error.code).toBe('recurrence_fixed');
    const edited = await m.patch(`/api/campaigns/${id}`, { recurrence: { frequency: 'weekly', at: '09:00', weekdays: ['thu', 'mon'] } }, { 'if-match': `"${(await m.get(`/api/campaigns/${id}`)).body.version}"` });
    expect(edited.status).toBe(200);
    expect(edited.body.status).toBe('pending_approval');

    // The approver is told it is a series: one approval covers every send.
    const queue = await a.get('/api/approvals');
    expect(queue.body.items.find((i: { campaignId: string }) => i.campaignId === id).repeats).toBe('Every week on Monday and Thursday at 09:00 (Europe/Berlin)');
    const approved = await a.post(`/api/campaigns/${id}/approve`, { comment: 'fine for the series' });
    expect(approved.status).toBe(200);
    const live = await waitFor(
      async () => (await m.get(`/api/campaigns/${id}`)).body,
      (b) => b.status === 'sending' && b.series.schedule !== null,
      20_000,
    );
    expect(live.series.description).toBe('Every week on Monday and Thursday at 09:00 (Europe/Berlin)');
    expect(live.series.schedule.paused).toBe(false);
    expect(live.series.schedule.nextRuns).toHaveLength(5);
    for (const run of live.series.schedule.nextRuns as string[]) expect(['Mon 09:00', 'Thu 09:00']).toContain(berlin(run));
    expect([...live.series.schedule.nextRuns].sort()).toEqual(live.series.schedule.nextRuns);
    expect(Date.parse(live.series.schedule.nextRuns[0])).toBeGreaterThan(Date.now());

    // An occurrence now rather than on Monday: it is sent without waiting for another approval.
    await recurringSchedule(worker.client, id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const withOccurrence = await waitFor(
      async () => (await m.get(`/api/campaigns/${id}`)).body,
      (b) => b.series.occurrences[0]?.status === 'completed',
      60_000,
    );
    const occurrence = withOccurrence.series.occurrences[0];
    expect(withOccurrence.series.occurrences).toHaveLength(1);
    expect(occurrence).toMatchObject({ status: 'completed', sent: 10, failed: 0, audience: 10 }); // the 10 East contacts of 30
    // The finished occurrence keeps its counts on its own row: the series page reads them from there.
    const kept = await t.deps.orm.em.getKnex().raw(`select audience_count, sent_count, failed_count, skipped_count from campaigns where id = ?`, [occurrence.id]);
    expect(kept.rows[0]).toEqual({ audience_count: 10, sent_count: 10, failed_count: 0, skipped_count: 0 });
    expect(occurrence.name).toMatch(/^Weekly news \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}\)$/);
    const own = await m.get(`/api/campaigns/${occurrence.id}`);
    expect(own.body.occurrenceOf).toEqual({ id, code: created.body.code, name: 'Weekly news' });
    expect(own.body.recurrence).toBeNull();
    expect(own.body.approvals).toEqual([]);
    expect(smtp.messages().filter((msg) => /Subject: This week, First\d+/.test(msg.raw ?? ''))).toHaveLength(10);

    const paused = await m.post(`/api/campaigns/${id}/pause`, { reason: 'summer break' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const whilePaused = (await m.get(`/api/campaigns/${id}`)).body;
    expect(whilePaused.series.schedule).toMatchObject({ paused: true, note: 'summer break' });
    expect((await recurringSchedule(worker.client, id).describe()).state.paused).toBe(true);

    const resumed = await m.post(`/api/campaigns/${id}/resume`, {});
    expect(resumed.body.status).toBe('sending');
    expect((await m.get(`/api/campaigns/${id}`)).body.series.schedule.paused).toBe(false);

    const stopped = await m.post(`/api/campaigns/${id}/stop`, { reason: 'newsletter discontinued' });
    expect(stopped.body.status).toBe('stopped');
    const after = (await m.get(`/api/campaigns/${id}`)).body;
    expect(after.series.schedule).toBeNull();
    expect(after.series.occurrences.map((o: { id: string }) => o.id)).toEqual([occurrence.id]); // its history stays
    await expect(recurringSchedule(worker.client, id).describe()).rejects.toThrow();
    recordHistory('series-approved-paused-resumed-stopped', `campaign-${id}`);
    const occurrenceRun = worker.client.workflow.list({ query: `WorkflowType = 'recurringCampaignWorkflow' and WorkflowId STARTS_WITH 'campaign-recurring-${id}'` });
    for await (const run of occurrenceRun) recordHistory('series-occurrence', run.workflowId);
  }, 120_000);

  it('goes live without approval under the threshold, and its end date completes it and deletes the schedule', async () => {
    const m = as(app, tokens.manager!);
    // Twelve hours from now on Berlin's clock: never inside the series' ten seconds.
    const hour = (Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(new Date())) + 12) % 24;
    const at = `${String(hour).padStart(2, '0')}:00`;
    const created = await m.post('/api/campaigns', draft({ name: 'Short series', budget: '100.00', endAt: new Date(Date.now() + 10_000).toISOString(), recurrence: { frequency: 'daily', at } }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const submitted = await m.post(`/api/campaigns/${id}/submit`);
    expect(submitted.status).toBe(200);
    const live = await waitFor(async () => (await m.get(`/api/campaigns/${id}`)).body, (b) => b.status === 'sending' && b.series.schedule !== null, 10_000);
    expect(live.approvals).toEqual([]);
    // The series ends before its first run: the schedule has no run left to show.
    expect(live.series.schedule.nextRuns).toEqual([]);
    const ended = await waitFor(async () => (await m.get(`/api/campaigns/${id}`)).body, (b) => b.status === 'completed', 30_000);
    expect(ended.series).toMatchObject({ schedule: null, occurrences: [] });
    await expect(recurringSchedule(worker.client, id).describe()).rejects.toThrow();
  }, 60_000);
});
