/**
 * The console's home, catalogue, admin, ops and calendar pages and the notifications bell in a real
 * browser (Debian's Chromium via playwright-core) against the real API, PostgreSQL, Temporal and a
 * worker sending to a local SMTP sink: each page as the role that uses it, with the data the API
 * holds; a notification arriving live, without a reload; a viewer seeing no control it cannot use;
 * axe-core finding no serious or critical violation on any page.
 *
 * Screenshots (desktop 1440×900 and phone 390×844) go to $E2E_SCREENSHOT_DIR, or to the folder under
 * the system's temp directory the other browser test uses.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHerald, testConfig } from '../setup/harness.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, PASSWORD, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe as axe, SCREENSHOTS, screenshots as shots, skipNote, skipWithoutChromium, until, useBrowser } from '../fixtures/browser.ts';
import { startSmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { createChannels } from '../../channels/index.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { can, type Permission, type Role } from '../../domain/permissions.ts';

const skip = skipWithoutChromium('console pages');

type Api = ReturnType<typeof as>;

/** The local calendar day of an instant, as the calendar's data-day keys it. */
function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe.skipIf(skip)(`console pages in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser();
  let worker: TestWorker;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let channels: ReturnType<typeof createChannels>;
  let co: ApiCompany;
  const callers = {} as Record<Role, Api>;
  const ids = { completed: '', scheduled: '', pending: '' };

  beforeAll(async () => {
    // CI builds console/dist just before the tests; locally the build is fresh, in a folder of its own.
    herald = await startHerald({ consoleDir: web.buildConsole('pages') });
    smtp = await startSmtpSink({ port: await freePort() });
    channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
    worker = await startTestWorker(herald.deps.orm, channels);
    herald.deps.config = { ...herald.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
    await web.start(herald.baseUrl);

    co = await createApiCompany(herald.deps.orm, 'e2e-pages');
    await addContacts(herald.deps.orm, co.id, 'e2e-pages', 1, 40);
    const app = createApp(herald.deps);
    for (const role of Object.keys(co.users) as Role[]) callers[role] = as(app, (await signIn(app, co.users[role].email)).token);
    const day = 86_400_000;
    const campaign = async (name: string, budget: string, startInDays: number) => {
      const res = await callers.manager.post('/api/campaigns', {
        name,
        type: 'promotional',
        channel: 'email',
        startAt: new Date(Date.now() + startInDays * day).toISOString(),
        endAt: new Date(Date.now() + (startInDays + 5) * day).toISOString(),
        budget,
        content: { email: { subject: 'Hello {{ contact.first_name }}', html: '<p>Hi</p>' } },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    // Under the approval threshold (1 000): submitted, it goes straight onto the calendar.
    ids.completed = await campaign('Autumn digest', '500.00', 2);
    ids.scheduled = await campaign('Winter preview', '800.00', 3);
    ids.pending = await campaign('Big launch', '5000.00', 4);
    for (const id of Object.values(ids)) expect((await callers.manager.post(`/api/campaigns/${id}/submit`)).status).toBe(200);
    const segment = await callers.manager.post('/api/segments', { name: 'East gold', description: 'Gold tier in the East', rules: { all: [{ field: 'region', op: '=', value: 'East' }, { field: 'attributes.tier', op: '=', value: 'gold' }] } });
    expect(segment.status).toBe(201);
    const budget = await callers.manager.post('/api/budgets', { code: 'FY26-MKT', name: 'Marketing 2026', type: 'marketing', fiscalYear: 2026, totalAmount: '25000.00' });
    expect(budget.status).toBe(201);
    const template = await callers.manager.post('/api/templates', { code: 'TPL-WELCOME', name: 'Welcome mail', type: 'promotional', channel: 'email', content: { email: { subject: 'Welcome aboard', html: '<p>Hi</p>' } } });
    expect(template.status).toBe(201);
    expect((await callers.manager.post(`/api/campaigns/${ids.completed}/send-now`)).status).toBe(200);
    await until(async () => (await callers.manager.get(`/api/campaigns/${ids.completed}`)).body.status === 'completed', 'the campaign sent now completes');
  });

  afterAll(async () => {
    await worker?.close();
    await channels?.closeAll();
    await smtp?.close();
    await herald?.close();
  });

  /** A signed-in page for `role` at `path` (signing in through the form, as a person does). */
  const openAs = (role: Role, path: string) => web.openAs(co.users[role].email, path);

  const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' });
  /**
   * The calendar tests drag between days: the whole month must be in view, or Chromium's drag breaks
   * off when the page scrolls to a sixth-row day (it did when the start crossed into the last week).
   */
  const TALL = { width: 1440, height: 1400 };

  it('home: the manager sees what completed (with its counts), what comes next, and no approval queue', async () => {
    const page = await openAs('manager', '/');
    const completed = page.getByRole('table', { name: 'Recently completed campaigns' });
    await completed.getByText('Autumn digest').waitFor();
    const row = completed.locator(`[data-campaign="${ids.completed}"]`);
    expect(await row.locator('[data-count="sent"]').innerText()).toBe('40');
    expect(await row.locator('[data-count="failed"]').innerText()).toBe('0');
    const next = page.getByRole('list', { name: 'Next scheduled campaigns' });
    await next.getByText('Winter preview').waitFor();
    expect(await next.innerText()).not.toContain('Autumn digest');
    expect(await page.getByRole('heading', { name: /Waiting for my approval/ }).count()).toBe(0);
    await page.getByRole('region', { name: 'Sending now' }).getByText('Nothing is sending right now').waitFor();
    await axe(page, 'home');
    await shots(page, 'home');
  });

  it('segments: listed with their rules in words; counting and opening one shows the exact audience, masked for a viewer', async () => {
    const page = await openAs('viewer', '/segments');
    const table = page.getByRole('table');
    await table.getByText('East gold').waitFor();
    const row = table.getByRole('row').filter({ hasText: 'East gold' });
    expect(await row.innerText()).toMatch(/Region is "East" and .*tier.* is "gold"/i);
    expect(await row.innerText()).toContain('not counted');
    await row.getByRole('button', { name: 'Count East gold' }).click();
    // 40 contacts: region East when i % 3 == 0 and gold when i is even → i = 6, 12, …, 36: 6 contacts.
    await expect.poll(() => row.innerText()).toMatch(/\t6\t/);
    await row.getByRole('button', { name: 'Open East gold' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('segment-count').getByText('6').waitFor();
    expect(await dialog.getByTestId('segment-rules').innerText()).toMatch(/Region is "East"/);
    expect(await dialog.innerText()).toContain('Personal fields are masked for your role');
    expect(await dialog.getByRole('table').innerText()).toMatch(/c\*+@e2e-pages\.example|\*\*\*/);
    // A viewer cannot create: no "New campaign" button anywhere on the page.
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await axe(page, 'segment dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await axe(page, 'segments');
    await shots(page, 'segments');
  });

  it('contacts: a manager sees addresses and imports a CSV with a progress bar and a report of the rejected rows; a viewer sees them masked and no import', async () => {
    const page = await openAs('manager', '/contacts');
    const table = page.locator('.v-data-table').getByRole('table');
    await table.getByTestId('contact-email').first().waitFor();
    for (const e of await table.getByTestId('contact-email').allInnerTexts()) expect(e).toMatch(/^c\d+@e2e-pages\.example$/);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const csv = ['email,first_name,last_name,region', 'new.one@e2e-pages.example,New,One,North', 'not-an-address,Bad,Row,South', 'c1@e2e-pages.example,Changed,Name,East'].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect((await report.innerText()).replace(/\s+/g, ' ')).toContain('1 added, 1 updated, 1 rejected');
    const rejected = report.getByRole('table');
    expect(await rejected.innerText()).toMatch(/3\s+email/);
    // The list reloads with the imported contact.
    await page.getByRole('textbox', { name: 'Search e-mail or name' }).fill('new.one');
    await table.getByText('new.one@e2e-pages.example').waitFor();

    // A large file: the server's progress events say how many rows are saved while it works.
    const big = ['email,first_name', ...Array.from({ length: 30_000 }, (_, i) => `bulk${i}@e2e-pages.example,Bulk`)].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(big) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-progress').filter({ hasText: /[\d,]+ rows saved so far/ }).waitFor();
    await report.waitFor();
    expect((await report.innerText()).replace(/\s+/g, ' ')).toContain('30,000 added, 0 updated, 0 rejected');
    await axe(page, 'contacts (manager, after an import)');
    await shots(page, 'contacts');

    // A bad header imports nothing and says which column.
    await page.locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('mail,first_name\nx@y.example,X\n') });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Nothing was imported/).waitFor();
    // The refusal is the API's 422, which Chromium logs: expected here.
    const logged = web.errors(page);
    expect(logged.every((e) => /status of 422/.test(e))).toBe(true);
    logged.length = 0;

    const viewer = await openAs('viewer', '/contacts');
    const vTable = viewer.locator('.v-data-table').getByRole('table');
    await vTable.getByTestId('contact-email').first().waitFor();
    const emails = await vTable.getByTestId('contact-email').allInnerTexts();
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) expect(e).toContain('*');
    expect(await viewer.getByText('your role may not see personal data').count()).toBe(1);
    expect(await viewer.getByRole('button', { name: 'Import CSV' }).count()).toBe(0);
    await axe(viewer, 'contacts (viewer)');
  });

  it('templates and budgets: listed from the API, utilisation in words beside its bar', async () => {
    const page = await openAs('analyst', '/templates');
    await page.locator('.v-data-table').getByText('Welcome mail').waitFor();
    expect(await page.locator('.v-data-table').innerText()).toContain('“Welcome aboard”');
    await axe(page, 'templates');
    await shots(page, 'templates');

    await mainNav(page).getByRole('link', { name: 'Budgets' }).click();
    const budget = page.locator('[data-budget="FY26-MKT"]');
    await budget.getByTestId('budget-summary').waitFor();
    expect((await budget.getByTestId('budget-summary').innerText()).replace(/\s+/g, ' ')).toContain('0% spent (0.00 USD) · 0% reserved (0.00 USD) · 25,000.00 USD left of 25,000.00 USD');
    expect(await budget.getByRole('meter', { name: 'Marketing 2026 utilisation' }).getAttribute('aria-valuetext')).toContain('25,000.00 USD left');
    await axe(page, 'budgets');
    await shots(page, 'budgets');
  });

  it('navigation by role: a viewer sees only the pages it can use, and no control it cannot use', async () => {
    const page = await openAs('viewer', '/');
    await page.getByRole('heading', { level: 1, name: /Hello Viewer/ }).waitFor();
    const links = await mainNav(page).getByRole('link').allInnerTexts();
    // Each page is listed exactly when the permission matrix lets a viewer use it.
    const pages: [string, Permission][] = [
      ['Home', 'read'], ['Calendar', 'read'], ['Segments', 'read'], ['Contacts', 'read'], ['Templates', 'read'], ['Budgets', 'read'],
      ['Analytics', 'analytics:read'], ['Approvals', 'approve'], ['Ops', 'workflow:read'], ['Users and roles', 'admin'], ['Company settings', 'admin'],
    ];
    for (const [label, permission] of pages) expect(links.includes(label), `${label} in a viewer's navigation`).toBe(can('viewer', permission));
    expect(links).not.toContain('Ops');
    expect(links).not.toContain('Users and roles');
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await page.goto(`${herald.baseUrl}/calendar?view=month&date=${dayOf(Date.now() + 3 * 86_400_000)}`);
    await page.locator(`[data-campaign="${ids.scheduled}"]`).waitFor();
    expect(await page.getByRole('button', { name: /^Move / }).count()).toBe(0);
    expect(await page.locator('[draggable="true"]').count()).toBe(0);
  });

  it('home: an approver sees what waits for its approval and opens it from there', async () => {
    const page = await openAs('approver', '/');
    const waiting = page.getByRole('list', { name: 'Campaigns waiting for my approval' });
    await waiting.getByText('Big launch').waitFor();
    expect(await waiting.innerText()).toContain('5000.00 USD');
    await page.getByRole('heading', { name: 'Waiting for my approval (1)' }).waitFor();
    await axe(page, 'home (approver)');
    await waiting.getByRole('link', { name: /Big launch/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Big launch' }).waitFor();
  });

  it('the bell: a notification arrives live, without a reload, reads in words, and is marked read on the way to its campaign', async () => {
    const page = await openAs('manager', '/');
    const bell = page.getByTestId('bell');
    await page.getByRole('region', { name: 'Recently completed' }).getByText('Autumn digest').waitFor();
    const unread = async () => Number(((await bell.getAttribute('aria-label')) ?? '').match(/(\d+) unread/)?.[1] ?? 0);
    const before = await unread();
    await page.evaluate(() => Object.assign(globalThis, { heraldMarker: 7 }));

    // The approver approves in another session: the workflow notifies the campaign's owner.
    expect((await callers.approver.post(`/api/campaigns/${ids.pending}/approve`, { comment: 'Fine by me' })).status).toBe(200);
    await expect.poll(unread, { timeout: 20_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (globalThis as { heraldMarker?: number }).heraldMarker)).toBe(7); // no reload

    await bell.click();
    const list = page.getByRole('list', { name: 'Latest notifications' });
    const item = list.getByRole('listitem').filter({ hasText: '“Big launch” was approved' });
    await item.waitFor();
    expect(await item.innerText()).toContain('New');
    await axe(page, 'notifications menu');
    await page.screenshot({ path: join(SCREENSHOTS, 'notifications-desktop-light.png') });
    await item.click();
    await page.getByRole('heading', { level: 1, name: 'Big launch' }).waitFor();
    await expect.poll(unread).toBe(before);
  });

  it('calendar: month and week views by channel with a text label; dragging to another day reschedules through the API', async () => {
    const start = new Date((await callers.manager.get(`/api/campaigns/${ids.scheduled}`)).body.startAt as string);
    const page = await web.openAs(co.users.manager.email, `/calendar?view=month&date=${dayOf(start.getTime())}`, { viewport: TALL });
    const entry = page.locator(`[data-campaign="${ids.scheduled}"]`);
    await entry.waitFor();
    expect(await entry.innerText()).toMatch(/^Email · .* · Winter preview\s+Scheduled/);
    expect(await page.locator(`[data-day="${dayOf(start.getTime())}"]`).locator(`[data-campaign="${ids.scheduled}"]`).count()).toBe(1);
    await axe(page, 'calendar (month)');
    await shots(page, 'calendar-month');

    await page.getByRole('button', { name: 'Week' }).click();
    await page.waitForURL(/view=week/);
    await entry.waitFor();
    await shots(page, 'calendar-week');
    await page.getByRole('button', { name: 'Month' }).click();
    await page.waitForURL(/view=month/);
    await page.setViewportSize(TALL); // the screenshots left it at desktop size

    const nextDay = dayOf(start.getTime() + 86_400_000);
    await entry.dragTo(page.locator(`[data-day="${nextDay}"]`));
    await page.getByTestId('calendar-notice').getByText('“Winter preview” now starts').waitFor();
    const moved = new Date((await callers.manager.get(`/api/campaigns/${ids.scheduled}`)).body.startAt as string);
    expect(dayOf(moved.getTime())).toBe(nextDay);
    expect(moved.getHours() * 60 + moved.getMinutes()).toBe(start.getHours() * 60 + start.getMinutes());
    expect(await page.locator(`[data-day="${nextDay}"]`).locator(`[data-campaign="${ids.scheduled}"]`).count()).toBe(1);
  });

  it('calendar: with the live stream down the view goes stale and says so; a move the API refuses snaps back with its reason', async () => {
    // The refused stream is logged by Chromium on purpose: only uncaught exceptions count here.
    const page = await web.newPage({ consoleErrors: false, viewport: TALL });
    await page.context().route('**/api/events', (route) => route.abort('connectionrefused'));
    const errors = web.errors(page);
    await page.goto(`${herald.baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(co.users.manager.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/campaigns/);
    const start = new Date((await callers.manager.get(`/api/campaigns/${ids.scheduled}`)).body.startAt as string);
    await page.goto(`${herald.baseUrl}/calendar?view=month&date=${dayOf(start.getTime())}`);
    const entry = page.locator(`[data-day="${dayOf(start.getTime())}"]`).locator(`[data-campaign="${ids.scheduled}"]`);
    await entry.waitFor();
    await page.getByTestId('reconnecting').getByText('Reconnecting…').waitFor({ timeout: 10_000 });

    // Meanwhile it is sent now from elsewhere; this page does not hear of it.
    expect((await callers.manager.post(`/api/campaigns/${ids.scheduled}/send-now`)).status).toBe(200);
    await entry.dragTo(page.locator(`[data-day="${dayOf(start.getTime() + 86_400_000)}"]`));
    const notice = page.getByTestId('calendar-notice');
    await notice.getByText('“Winter preview” was not moved').waitFor();
    expect(await notice.innerText()).toMatch(/was not moved: .*(sending|completed|running workflow)/i);
    expect(await entry.count()).toBe(1); // back on its day
    expect(errors).toEqual([]);
  });

  it('ops: workflows by status, failing activities and stuck campaigns, each linking to the campaign’s workflow history', async () => {
    const page = await openAs('ops', '/ops');
    await page.getByText('No sending campaign is stuck').waitFor();
    await page.getByText('No activity is failing or retrying right now').waitFor();
    await page.getByRole('combobox', { name: 'Workflow' }).click({ force: true });
    await page.getByRole('option', { name: 'Running or closed' }).click();
    const row = page.locator(`[data-workflow="campaign-${ids.completed}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Completed\s+completed/);
    await axe(page, 'ops');
    await shots(page, 'ops');
    await row.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { level: 1, name: 'Autumn digest' }).waitFor();
    await page.getByRole('list', { name: 'Workflow events' }).getByText('sendBatch completed').first().waitFor();
  });

  it('admin: settings refused by the API show the message on the field; users list, and a new user’s duplicate e-mail is named on its field', async () => {
    const page = await openAs('admin', '/settings');
    const threshold = page.getByLabel('Approval threshold (USD)');
    await threshold.fill('a lot');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const field = page.locator('.v-input').filter({ has: threshold });
    await field.getByText('a decimal string such as "10000.00"').waitFor();
    expect(await page.getByTestId('settings-errors').innerText()).toContain('Nothing was saved: one field needs a change.');
    await axe(page, 'settings (with an error)');
    await shots(page, 'settings');
    await threshold.fill('2500');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. New campaigns follow these settings.').waitFor();
    expect((await callers.admin.get('/api/settings')).body.approvalThreshold).toBe('2500.00');
    const logged = web.errors(page);
    expect(logged.every((e) => /status of 422/.test(e))).toBe(true);
    logged.length = 0;

    await mainNav(page).getByRole('link', { name: 'Users and roles' }).click();
    const table = page.locator('.v-data-table');
    await table.getByText(co.users.viewer.email).waitFor();
    expect(await table.getByRole('row').count()).toBe(7); // header + one user per role
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(co.users.viewer.email);
    await dialog.getByLabel('Name').fill('Someone else');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const invalid = dialog.locator('.v-input--error');
    await invalid.getByText(`a user with ${co.users.viewer.email} already exists`).waitFor();
    expect(await invalid.locator('label').first().innerText()).toBe('Email');
    await dialog.getByLabel('Email').fill('new.person@e2e-pages.example');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    expect((await dialog.getByTestId('one-time-password').innerText()).length).toBeGreaterThan(10);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await table.getByText('new.person@e2e-pages.example').waitFor();
    await axe(page, 'users');
    await shots(page, 'users');
    logged.length = 0; // the refused duplicate (409) is logged by Chromium
  });

  it('dark theme: every page, as the role that uses it, has no serious or critical axe violation, and is screenshotted', async () => {
    const pages: [Role, string, string][] = [
      ['manager', '/', 'home'],
      ['manager', '/campaigns', 'campaigns'],
      ['manager', `/campaigns/${ids.completed}`, 'campaign-overview'],
      ['manager', `/campaigns/${ids.completed}?tab=content`, 'campaign-content'],
      ['ops', `/campaigns/${ids.completed}?tab=workflow`, 'campaign-workflow'],
      ['manager', '/campaigns/new', 'wizard'],
      ['manager', '/calendar', 'calendar'],
      ['manager', '/segments', 'segments'],
      ['manager', '/contacts', 'contacts'],
      ['manager', '/templates', 'templates'],
      ['manager', '/budgets', 'budgets'],
      ['approver', '/approvals', 'approvals'],
      ['ops', '/ops', 'ops'],
      ['admin', '/users', 'users'],
      ['admin', '/settings', 'settings'],
      ['analyst', '/analytics', 'analytics'],
      ['analyst', `/analytics/campaigns/${ids.completed}`, 'analytics-campaign'],
      ['analyst', '/analytics/leaderboards', 'analytics-leaderboards'],
    ];
    for (const [role, path, name] of pages) {
      // A first visit follows the system's preference: this browser prefers dark.
      const page = await web.openAs(co.users[role].email, path, { colorScheme: 'dark' });
      await page.locator('main h1').first().waitFor();
      // Settled: nothing in main still says it is loading, twice in a row 300 ms apart.
      let calm = 0;
      await until(async () => {
        const busy = await page.locator('main').evaluate((m) => /Loading|Counting…/.test(m.textContent ?? '') || !!m.querySelector('.v-progress-circular--indeterminate, .v-skeleton-loader'));
        calm = busy ? 0 : calm + 1;
        if (calm < 2) await page.waitForTimeout(300);
        return calm >= 2;
      }, `${path} has loaded`);
      expect(await page.locator('.v-application').evaluate((el) => el.classList.contains('v-theme--dark')), `${path} is dark`).toBe(true);
      await axe(page, `${name} (dark)`);
      await shots(page, name, { suffix: '-dark', fromTop: true });
    }
  }, 600_000);
});
