/**
 * Scheduled reports on the real stack: a user subscribes to a weekly overview or a monthly campaign
 * report; a Temporal Schedule per subscription runs it; the report arrives through the e-mail
 * channel at the local SMTP sink with its CSV/PDF attached and the period's figures in them; a
 * period goes out once; cancelling removes the schedule; nobody else sees or touches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { parseCsv } from '../domain/csv.ts';
import { reportPeriod } from '../domain/report-schedule.ts';
import { reportScheduleId } from '../workflows/report-messages.ts';
import { startApiWithWorker, type ApiWithWorker } from './setup/api-worker.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { pdfText } from './fixtures/pdf-text.ts';

let t: ApiWithWorker['t'];
let app: ApiWithWorker['app'];
let worker: ApiWithWorker['worker'];
let smtp: ApiWithWorker['smtp'];
let stack: ApiWithWorker;
let acme: ApiCompany;
let rival: ApiCompany;
const api = {} as Record<'analyst' | 'manager' | 'viewer' | 'rival', ReturnType<typeof as>>;
let campaignId: string;
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The attachments of a raw MIME message: filename → decoded bytes. */
function attachments(raw: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return out;
  for (const part of raw.split(`--${boundary}`)) {
    const name = /filename="?([^";\r\n]+)"?/i.exec(part)?.[1];
    if (!name) continue;
    const split = part.indexOf('\r\n\r\n');
    const body = part.slice(split + 4).trim();
    out.set(name, /content-transfer-encoding:\s*base64/i.test(part.slice(0, split)) ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body));
  }
  return out;
}

/** Runs the subscription's schedule now and returns its run's result. */
async function runNow(who: ReturnType<typeof as>, id: string) {
  const handle = worker.client.schedule.getHandle(reportScheduleId(id));
  const before = (await handle.describe()).info.recentActions.length;
  expect((await who.post(`/api/reports/subscriptions/${id}/send-now`)).status).toBe(202);
  await expect.poll(async () => (await handle.describe()).info.recentActions.length, { timeout: 15_000, interval: 200 }).toBeGreaterThan(before);
  const action = (await handle.describe()).info.recentActions.at(-1)!.action;
  return worker.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
}

beforeAll(async () => {
  stack = await startApiWithWorker();
  ({ t, app, worker, smtp } = stack);
  acme = await createApiCompany(t.deps.orm, 'rep-acme');
  rival = await createApiCompany(t.deps.orm, 'rep-rival');
  for (const role of ['analyst', 'manager', 'viewer'] as const) api[role] = as(app, (await signIn(app, acme.users[role].email)).token);
  api.rival = as(app, (await signIn(app, rival.users.manager.email)).token);
  const sql = t.deps.orm.em.getKnex();
  const inserted = await sql.raw<{ rows: { id: string }[] }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
     values (?, 'REP-1', 'Autumn Clearance', 'promotional', 'email', '{email}', 'sending', now() - interval '20 days', now() + interval '20 days', 'USD', 2000, ?) returning id`,
    [acme.id, acme.users.manager.id],
  );
  campaignId = inserted.rows[0]!.id;
  // Yesterday's figures: inside the period a report sent today covers.
  await sql.raw(
    `insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at)
     values (?, ?, 'sale', 1234.50, 'USD', 'r-1', 'crm', ?::date + time '12:00'), (?, ?, 'lead', 0, 'USD', 'r-2', 'crm', ?::date + time '12:00')`,
    [acme.id, campaignId, yesterday, acme.id, campaignId, yesterday],
  );
  await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 500, 'USD', 'media', ?)`, [acme.id, campaignId, yesterday]);
});
afterAll(async () => {
  await stack?.close();
});

describe('scheduled reports', () => {
  let weekly: string;
  let monthly: string;

  it('refuses what cannot be delivered, naming the field, and is for roles that may export', async () => {
    const noCampaign = await api.manager.post('/api/reports/subscriptions', { name: 'X', kind: 'campaign', frequency: 'weekly' });
    expect(noCampaign.status).toBe(422);
    expect(noCampaign.body.error.details.issues).toEqual([{ field: 'campaignId', message: 'a campaign report names its campaign' }]);
    const theirs = await api.rival.post('/api/reports/subscriptions', { name: 'X', kind: 'campaign', frequency: 'weekly', campaignId });
    expect(theirs.status).toBe(422);
    expect(theirs.body.error.details.issues[0].field).toBe('campaignId');
    const badFrequency = await api.analyst.post('/api/reports/subscriptions', { name: 'X', kind: 'overview', frequency: 'daily' });
    expect(badFrequency.status).toBe(422);
    expect(JSON.stringify(badFrequency.body.error)).toContain('frequency');
    expect((await api.viewer.post('/api/reports/subscriptions', { name: 'X', kind: 'overview', frequency: 'weekly' })).status).toBe(403);
    expect((await t.deps.orm.em.getKnex().raw('select count(*)::int as n from report_subscriptions')).rows[0].n).toBe(0);
  });

  it('subscribes and shows the next delivery: Monday 08:00 weekly, the 1st 08:00 monthly', async () => {
    const w = await api.analyst.post('/api/reports/subscriptions', { name: 'Weekly overview', kind: 'overview', frequency: 'weekly' });
    expect(w.status).toBe(201);
    weekly = w.body.id;
    const next = new Date(w.body.nextDeliveryAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 8, 0]);
    expect(w.body.lastSentAt).toBeNull();
    expect(w.body.campaignName).toBeNull();
    const m = await api.manager.post('/api/reports/subscriptions', { name: 'Autumn Clearance monthly', kind: 'campaign', frequency: 'monthly', campaignId });
    expect(m.status).toBe(201);
    monthly = m.body.id;
    // The list names a campaign report's campaign, so the console need not look it up.
    expect(m.body.campaignName).toBe('Autumn Clearance');
    expect([new Date(m.body.nextDeliveryAt).getUTCDate(), new Date(m.body.nextDeliveryAt).getUTCHours()]).toEqual([1, 8]);
    // Each user sees their own subscriptions only.
    expect((await api.analyst.get('/api/reports/subscriptions')).body.items.map((s: { id: string }) => s.id)).toEqual([weekly]);
    expect((await api.manager.delete(`/api/reports/subscriptions/${weekly}`)).status).toBe(404);
  });

  it('e-mails the weekly overview with the period figures in its CSV attachments, once per period', async () => {
    const result = await runNow(api.analyst, weekly);
    const period = reportPeriod('weekly', today);
    expect(result).toEqual({ outcome: 'sent', period, attachments: [`summary-${period.from}.csv`, `campaigns-${period.from}.csv`] });
    const mail = smtp.messages().filter((m) => m.raw?.includes(`To: ${acme.users.analyst.email}`));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.raw).toContain(`Subject: Weekly overview: ${period.from} to ${period.to}`);
    const files = attachments(mail[0]!.raw!);
    const summary = parseCsv(files.get(`summary-${period.from}.csv`)!.toString('utf8'));
    const kpi = (name: string) => summary.find((r) => r.fields[0] === name)?.fields[1];
    expect(kpi('revenue')).toBe('1234.50');
    expect(kpi('leads')).toBe('1');
    expect(kpi('conversions')).toBe('1');
    const campaigns = files.get(`campaigns-${period.from}.csv`)!.toString('utf8');
    expect(campaigns).toContain('Autumn Clearance');
    // Run again for the same period: nothing more is sent.
    expect((await runNow(api.analyst, weekly)).outcome).toBe('already_sent');
    expect(smtp.messages().filter((m) => m.raw?.includes(`To: ${acme.users.analyst.email}`))).toHaveLength(1);
    const listed = (await api.analyst.get('/api/reports/subscriptions')).body.items[0];
    expect(listed.lastPeriod).toEqual(period);
    expect(listed.lastSentAt).not.toBeNull();
  });

  it("e-mails a campaign report as a PDF holding the campaign's figures, with its daily CSV", async () => {
    const result = await runNow(api.manager, monthly);
    const period = reportPeriod('monthly', today);
    expect(result.outcome).toBe('sent');
    const mail = smtp.messages().filter((m) => m.raw?.includes(`To: ${acme.users.manager.email}`));
    expect(mail).toHaveLength(1);
    const files = attachments(mail[0]!.raw!);
    const pdf = files.get(`campaign-REP-1-${period.from}.pdf`)!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf).join('\n')).toContain('Autumn Clearance');
    expect(files.has(`campaign-REP-1-daily-${period.from}.csv`)).toBe(true);
  });

  it('cancels: the schedule is gone and nothing more is delivered', async () => {
    expect((await api.analyst.delete(`/api/reports/subscriptions/${weekly}`)).status).toBe(204);
    await expect(worker.client.schedule.getHandle(reportScheduleId(weekly)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await api.analyst.get('/api/reports/subscriptions')).body.items).toEqual([]);
    expect((await api.analyst.post(`/api/reports/subscriptions/${weekly}/send-now`)).status).toBe(404);
    const audit = await t.deps.orm.em.getKnex().raw<{ rows: { action: string }[] }>(`select action from audit_log where entity_id = ? order by id`, [weekly]);
    expect(audit.rows.map((r) => r.action)).toEqual(['report.subscribed', 'report.cancelled']);
  });
});
