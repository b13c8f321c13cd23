/// <reference lib="dom" />
/**
 * Scheduled reports from the console, in Debian's Chromium against the real API, PostgreSQL and
 * Temporal: an analyst subscribes to a monthly overview of what her dashboard shows (its channel
 * filter kept) and a weekly report of one campaign from its page; both are listed with their next
 * delivery, at 08:00 in the company's time zone, and still there after a reload; cancelling asks
 * once, removes the subscription and its Temporal Schedule. "Send now" has the worker e-mail the last
 * complete period to the local SMTP sink, and the list then shows it sent. A viewer is offered none of it.
 * axe-core on the open dialog at desktop and phone width; screenshots of both.
 */
import { join } from 'node:path';
import type { Knex } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHerald, testConfig } from '../setup/harness.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { createChannels } from '../../channels/index.ts';
import { startSmtpSink, type SmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { reportPeriod } from '../../domain/report-schedule.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { checkAxe as axe, DESKTOP, PHONE, SCREENSHOTS, skipNote, skipWithoutChromium, useBrowser } from '../fixtures/browser.ts';
import { reportScheduleId } from '../../workflows/report-messages.ts';
import type { Role } from '../../domain/permissions.ts';

const skip = skipWithoutChromium('report subscription');
const ZONE = 'Europe/Berlin';

interface Sub {
  id: string;
  name: string;
  kind: string;
  frequency: string;
  campaignId: string | null;
  filters: Record<string, string[]>;
  nextDeliveryAt: string | null;
}

/** The wall clock of `iso` in the company's zone: weekday, day of month, month, year and HH:MM. */
function local(iso: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { weekday: parts.weekday!, day: parts.day!, month: parts.month!, year: parts.year!, time: `${parts.hour}:${parts.minute}` };
}

describe.skipIf(skip)(`report subscriptions in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser({ context: { locale: 'en-US' } });
  let co: ApiCompany;
  let sql: Knex;
  let analyst: ReturnType<typeof as>;
  let campaignId = '';
  let worker: TestWorker;
  let smtp: SmtpSink;
  let channels: ReturnType<typeof createChannels>;

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('reports') });
    await web.start(herald.baseUrl);
    co = await createApiCompany(herald.deps.orm, 'e2e-reports');
    sql = herald.deps.orm.em.getKnex();
    // Not UTC, so "08:00 company time" and the browser's own clock cannot agree by accident.
    await sql.raw(`update companies set time_zone = ? where id = ?`, [ZONE, co.id]);
    const res = await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, 'RP-1', 'January SMS Blast', 'promotional', 'sms', '{sms}', 'completed', now() - interval '12 days', now() - interval '2 days', 'USD', 5000, ?) returning id`,
      [co.id, co.users.manager.id],
    );
    campaignId = res.rows[0]!.id;
    // A worker and a local SMTP sink, so a report sent now is really rendered and e-mailed.
    smtp = await startSmtpSink({ port: await freePort() });
    const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
    channels = createChannels(testConfig({ SMTP_URL: smtpUrl }));
    worker = await startTestWorker(herald.deps.orm, channels, { env: { SMTP_URL: smtpUrl } });
    // The API reads the task queue when it creates a schedule: point it at this worker.
    herald.deps.config = { ...herald.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue, SMTP_URL: smtpUrl };
    const app = createApp(herald.deps);
    analyst = as(app, (await signIn(app, co.users.analyst.email)).token);
  });

  afterAll(async () => {
    // Schedules live in the shared Temporal server, not in the test database: leave none behind.
    const left = (await analyst?.get('/api/reports/subscriptions'))?.body.items as Sub[] | undefined;
    for (const s of left ?? []) await analyst.delete(`/api/reports/subscriptions/${s.id}`);
    await worker?.close();
    await channels?.closeAll();
    await smtp?.close();
    await herald?.close();
  });

  const openAs = (role: Role, path: string) => web.openAs(co.users[role].email, path);

  const listed = (page: Page) => page.locator('[data-testid="report-subscription"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  const row = (page: Page, name: string) => page.locator(`[data-testid="report-subscription"][data-name="${name}"]`);
  const mine = async () => (await analyst.get('/api/reports/subscriptions')).body.items as Sub[];

  it('subscribes to a monthly overview of the filtered dashboard and a weekly campaign report, lists both with their next delivery, and cancels one', async () => {
    const page = await openAs('analyst', '/analytics?channel=sms');
    await page.getByTestId('reports-open').click();
    const dialog = page.getByRole('dialog', { name: 'Scheduled reports' });
    await dialog.getByTestId('report-none').waitFor();
    expect(await dialog.getByTestId('report-filters').innerText()).toBe('Filters kept: Channel: SMS.');
    expect((await dialog.getByTestId('report-subscribe-form').innerText()).replace(/\s+/g, ' ')).toContain(`By e-mail to ${co.users.analyst.email}`);
    await dialog.getByText('Monthly (the 1st)').click();
    expect(await dialog.getByLabel('Report name').inputValue()).toBe('Monthly overview');
    await dialog.getByTestId('report-subscribe').click();
    await row(page, 'Monthly overview').waitFor();

    // What the API holds is what the screen shows: the 1st of a month, 08:00 in Berlin.
    const [overview] = await mine();
    expect(overview).toMatchObject({ name: 'Monthly overview', kind: 'overview', frequency: 'monthly', filters: { channel: ['sms'] } });
    const next = local(overview!.nextDeliveryAt!);
    expect([next.day, next.time]).toEqual(['1', '08:00']);
    const shown = await row(page, 'Monthly overview').getByTestId('report-next').innerText();
    for (const part of [next.weekday, next.month, `${next.day},`, next.year, '08:00']) expect(shown).toContain(part);
    expect((await page.getByTestId('reports-status').innerText())).toContain('Subscribed to “Monthly overview”. The first report goes out');
    expect((await row(page, 'Monthly overview').innerText()).replace(/\s+/g, ' ')).toContain('Monthly · Overview of every campaign · Channel: SMS');
    await axe(page, 'scheduled reports dialog');
    await page.screenshot({ path: join(SCREENSHOTS, 'analytics-reports-desktop.png'), fullPage: true });

    // A campaign's own page subscribes to that campaign's report.
    await page.goto(`${herald.baseUrl}/analytics/campaigns/${campaignId}`);
    await page.getByTestId('reports-open').click();
    await dialog.getByTestId('report-subscription').first().waitFor();
    expect(await dialog.getByLabel('Report name').inputValue()).toBe('January SMS Blast: weekly report');
    await dialog.getByTestId('report-subscribe').click();
    await row(page, 'January SMS Blast: weekly report').waitFor();
    expect(await listed(page)).toEqual(['January SMS Blast: weekly report', 'Monthly overview']);
    expect((await row(page, 'January SMS Blast: weekly report').innerText()).replace(/\s+/g, ' ')).toContain('Weekly · Campaign report: January SMS Blast');
    const weekly = (await mine()).find((s) => s.kind === 'campaign')!;
    expect(weekly.campaignId).toBe(campaignId);
    const w = local(weekly.nextDeliveryAt!);
    expect([w.weekday, w.time]).toEqual(['Monday', '08:00']);
    expect(new Date(weekly.nextDeliveryAt!).getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(await row(page, 'January SMS Blast: weekly report').getByTestId('report-next').innerText()).toContain(`Monday, ${w.month} ${w.day}, ${w.year}`);

    // Kept on the server: a reload lists both.
    await page.reload();
    await page.getByTestId('reports-open').click();
    await row(page, 'Monthly overview').waitFor();
    expect(await listed(page)).toEqual(['January SMS Blast: weekly report', 'Monthly overview']);
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SCREENSHOTS, 'analytics-reports-phone.png'), fullPage: true });
    await axe(page, 'scheduled reports dialog (phone)');
    await page.setViewportSize(DESKTOP);

    // Cancelling asks once; "keep it" keeps it; "stop sending" removes it and its schedule.
    await row(page, 'Monthly overview').getByRole('button', { name: 'Cancel Monthly overview' }).click();
    await row(page, 'Monthly overview').getByRole('button', { name: 'Keep it' }).click();
    expect(await listed(page)).toEqual(['January SMS Blast: weekly report', 'Monthly overview']);
    await row(page, 'Monthly overview').getByRole('button', { name: 'Cancel Monthly overview' }).click();
    await row(page, 'Monthly overview').getByTestId('report-cancel-confirm').click();
    await expect.poll(() => listed(page)).toEqual(['January SMS Blast: weekly report']);
    expect(await page.getByTestId('reports-status').innerText()).toBe('“Monthly overview” is cancelled: no more reports will be sent.');
    expect((await mine()).map((s) => s.name)).toEqual(['January SMS Blast: weekly report']);
    await expect(herald.deps.temporal.client.schedule.getHandle(reportScheduleId(overview!.id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await herald.deps.temporal.client.schedule.getHandle(reportScheduleId(weekly.id)).describe()).scheduleId).toBe(reportScheduleId(weekly.id));

    // Still cancelled after a reload.
    await page.reload();
    await page.getByTestId('reports-open').click();
    await row(page, 'January SMS Blast: weekly report').waitFor();
    expect(await listed(page)).toEqual(['January SMS Blast: weekly report']);
  });

  it('"send now" e-mails the last complete period, and the list then shows it sent', async () => {
    const created = await analyst.post('/api/reports/subscriptions', { name: 'Weekly numbers', kind: 'overview', frequency: 'weekly' });
    expect(created.status).toBe(201);
    const page = await openAs('analyst', '/analytics');
    await page.getByTestId('reports-open').click();
    await row(page, 'Weekly numbers').waitFor();
    expect((await row(page, 'Weekly numbers').innerText()).replace(/\s+/g, ' ')).toContain('Last sent not yet');
    await row(page, 'Weekly numbers').getByRole('button', { name: 'Send now: Weekly numbers' }).click();
    await expect.poll(() => page.getByTestId('reports-status').innerText()).toBe(`“Weekly numbers”: the report for the last complete week is on its way to ${co.users.analyst.email} (once per period).`);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const period = reportPeriod('weekly', today);
    const mail = async () => smtp.messages().filter((m) => m.raw?.includes(`To: ${co.users.analyst.email}`) && m.raw.includes(`Subject: Weekly numbers: ${period.from} to ${period.to}`));
    await expect.poll(async () => (await mail()).length, { timeout: 30_000, interval: 500 }).toBe(1);
    expect((await mail())[0]!.raw).toContain(`summary-${period.from}.csv`);

    // Reopened, the list says when it went and which week it covered.
    await page.getByTestId('reports-close').click();
    await page.getByTestId('reports-open').click();
    await expect.poll(async () => (await row(page, 'Weekly numbers').innerText()).replace(/\s+/g, ' '), { timeout: 15_000, interval: 500 }).toContain(`(${period.from} – ${period.to})`);
  });

  it('a viewer, who may not export, is offered no scheduled reports', async () => {
    const page = await openAs('viewer', '/analytics');
    await page.locator('[data-testid="kpi-revenue"]').waitFor();
    expect(await page.getByTestId('reports-open').count()).toBe(0);
    await page.goto(`${herald.baseUrl}/analytics/campaigns/${campaignId}`);
    await page.locator('[data-testid="key-roi"]').waitFor();
    expect(await page.getByTestId('reports-open').count()).toBe(0);
  });
});
