/// <reference lib="dom" />
/**
 * A recurring campaign built in the wizard, in Chromium against the real API, PostgreSQL, Temporal
 * and a worker: a manager picks "Recurring" on the schedule step, is told on the right field that a
 * weekly campaign needs a day, picks Monday and Thursday at 09:00 (the company's zone, Berlin),
 * submits it (under the approval threshold, so it goes live at once), and the campaign page shows
 * the cadence and the schedule's next five sends; one send started now (a trigger of the schedule)
 * is listed with its count and links to its own page, which links back; pausing the campaign pauses
 * the schedule, which the page says. axe-core runs on the schedule step and on the campaign page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { startHerald } from '../setup/harness.ts';
import { attachWorker, type AttachedWorker } from '../setup/api-worker.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe, screenshots, skipNote, skipWithoutChromium, useBrowser } from '../fixtures/browser.ts';
import { recurringSchedule } from '../../api/campaign-lifecycle.ts';

const skip = skipWithoutChromium('recurring wizard');

/** Weekday and wall-clock time of an instant in Berlin, e.g. "Mon 09:00". */
const berlin = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)).replace(',', '');

describe.skipIf(skip)(`recurring campaign in the wizard, in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser();
  let worker: AttachedWorker['worker'];
  let smtp: AttachedWorker['smtp'];
  let attached: AttachedWorker;
  let co: ApiCompany;

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('wizard-recurring', 'fresh') });
    attached = await attachWorker(herald.deps);
    ({ worker, smtp } = attached);
    co = await createApiCompany(herald.deps.orm, 'e2e-recurring');
    await herald.deps.orm.em.getKnex().raw(`update companies set time_zone = 'Europe/Berlin' where id = ?`, [co.id]);
    await addContacts(herald.deps.orm, co.id, 'e2e-recurring', 1, 12);
    await web.start(herald.baseUrl);
  }, 240_000);

  afterAll(async () => {
    await attached?.close();
    await herald?.close();
  });

  const step = (page: Page, n: number, title: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 6: ${title}` });
  const saved = (page: Page) => page.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 15_000 });

  it('a manager builds a weekly campaign, submits it, sees its next sends, and pausing it pauses the schedule', async () => {
    const manager = await web.openAs(co.users.manager.email, '/campaigns');
    await manager.getByRole('link', { name: 'New campaign' }).click();
    await manager.getByLabel('Campaign name').fill('Weekly digest');
    await manager.getByRole('button', { name: 'Create draft and continue' }).click();
    await manager.waitForURL(/\/campaigns\/[0-9a-f-]{36}\/edit\?step=audience$/);
    const id = /\/campaigns\/([0-9a-f-]{36})\//.exec(manager.url())![1]!;
    await step(manager, 2, 'Audience').waitFor();
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 3, 'Content').waitFor();
    await manager.getByLabel('Subject', { exact: true }).fill('Your week at Acme');
    await manager.getByLabel('HTML body').fill('<p>Hello {{ contact.first_name }}, here is your week.</p>');
    await manager.getByRole('button', { name: 'Next' }).click();

    // 4. Schedule: recurring, weekly; no day yet is refused on the days' field.
    await step(manager, 4, 'Schedule').waitFor();
    await manager.getByLabel('Recurring (a new send every day, week or month)').check();
    const days = manager.getByRole('group', { name: 'Days of the week' });
    await days.waitFor();
    const dayError = manager.locator('.v-input').filter({ has: days }).getByText('pick at least one day of the week for a weekly campaign');
    await dayError.waitFor({ timeout: 15_000 });
    // That refusal was provoked on purpose: the browser logs its 422, which is not a fault.
    const logged = web.errors(manager);
    logged.splice(0, logged.length, ...logged.filter((e) => !/status of 422/.test(e)));
    expect(await manager.getByLabel(/^Time \(/).inputValue()).toBe('09:00');
    expect(await manager.getByText('Time zone:').innerText()).toContain('Europe/Berlin');
    await days.getByLabel('Monday').check();
    await days.getByLabel('Thursday').check();
    await dayError.waitFor({ state: 'detached', timeout: 15_000 });
    await saved(manager);
    expect(await manager.getByTestId('cadence-in-words').innerText()).toBe('Every week on Monday and Thursday at 09:00 (Europe/Berlin)');
    // The date fields' labels float in with a transition once the series' dates are filled in: let it end.
    await checkAxe(manager, 'wizard recurring schedule step', 1000);
    await screenshots(manager, 'wizard-recurring-schedule', { fromTop: true, noSidewaysScroll: true });

    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 5, 'Budget and targets').waitFor();
    await manager.getByLabel('Budget', { exact: true }).fill('500.00'); // under the 1 000 threshold: no approval
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 6, 'Review and submit').waitFor();
    expect(await manager.locator('.review').innerText()).toContain('Every week on Monday and Thursday at 09:00 (Europe/Berlin), from');

    const api = as(createApp(herald.deps), (await signIn(createApp(herald.deps), co.users.manager.email)).token);
    expect((await api.get(`/api/campaigns/${id}`)).body.recurrence).toEqual({ frequency: 'weekly', at: '09:00', weekdays: ['mon', 'thu'], timeZone: 'Europe/Berlin' });

    await manager.getByRole('button', { name: 'Submit', exact: true }).click();
    await manager.waitForURL(new RegExp(`/campaigns/${id}$`));
    const runs = manager.getByTestId('series-next-runs').getByRole('listitem');
    await expect.poll(() => runs.count(), { timeout: 30_000 }).toBe(5);
    expect(await manager.getByTestId('series-cadence').innerText()).toBe('Every week on Monday and Thursday at 09:00 (Europe/Berlin)');
    expect(await manager.getByTestId('series-state').innerText()).toBe('Schedule live: each send starts on its own.');
    // The page lists the schedule's own next runs, each a Monday or Thursday at 09:00 in Berlin.
    const shown = await runs.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    const nextRuns = (await api.get(`/api/campaigns/${id}`)).body.series.schedule.nextRuns as string[];
    expect(shown).toEqual(nextRuns);
    for (const run of shown) expect(['Mon 09:00', 'Thu 09:00']).toContain(berlin(run));
    for (const text of await runs.allInnerTexts()) expect(text).toMatch(/^(Mon|Thu)\b.*09:00/);
    await checkAxe(manager, 'recurring campaign page');
    await screenshots(manager, 'campaign-recurring-live', { fromTop: true, noSidewaysScroll: true });

    // A send now instead of on Thursday: it is listed with its count and links to its own page, and back.
    await recurringSchedule(worker.client, id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    await expect.poll(async () => (await api.get(`/api/campaigns/${id}`)).body.series.occurrences[0]?.status, { timeout: 60_000 }).toBe('completed');
    expect(smtp.messages().filter((m) => /Subject: Your week at Acme/.test(m.raw ?? ''))).toHaveLength(12);
    await manager.reload();
    const sends = manager.getByTestId('series-occurrences');
    await sends.waitFor();
    expect(await sends.getByRole('listitem').count()).toBe(1);
    expect(await sends.innerText()).toMatch(/Weekly digest \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}\)\s*Completed\s*12 of 12 sent/);
    await sends.getByRole('link', { name: /^Weekly digest \(/ }).click();
    await manager.waitForURL((u) => /\/campaigns\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(id));
    const back = manager.getByTestId('occurrence-of');
    await back.waitFor();
    expect(await back.innerText()).toMatch(/^One send of the recurring campaign Weekly digest \(CMP-\d{4}-\d{4}\)\.$/);
    await back.getByRole('link', { name: 'Weekly digest' }).click();
    await manager.waitForURL(new RegExp(`/campaigns/${id}$`));
    await manager.getByTestId('series-next-runs').waitFor();

    await manager.getByRole('group', { name: 'Campaign actions' }).getByRole('button', { name: 'Pause' }).click();
    await manager.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => manager.getByTestId('series-state').innerText(), { timeout: 15_000 }).toBe(
      'Schedule paused: paused by a user. No new send starts until the campaign is resumed.',
    );
    await manager.getByTestId('series-next-runs').waitFor({ state: 'detached' });
    expect((await recurringSchedule(worker.client, id).describe()).state.paused).toBe(true);
    await checkAxe(manager, 'paused recurring campaign page');
    await screenshots(manager, 'campaign-recurring-paused', { fromTop: true, noSidewaysScroll: true });
  }, 180_000);
});
