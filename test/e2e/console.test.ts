/**
 * The console in a real browser (Debian's Chromium driven by playwright-core) against the real API,
 * PostgreSQL and Temporal: the shell renders, navigation works, the System page shows the live
 * readiness the server reports, the theme toggle switches and is remembered, and nothing is logged
 * to the browser console as an error.
 *
 * Screenshots (desktop 1440×900 and phone 390×844, light and dark) go to $E2E_SCREENSHOT_DIR, or to
 * a folder under the system's temp directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHerald } from '../setup/harness.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, PASSWORD, signIn } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { DESKTOP, PHONE, SCREENSHOTS, skipNote, skipWithoutChromium, useBrowser, type PageOptions } from '../fixtures/browser.ts';
import { startTestWorker } from '../setup/worker.ts';
import { testConfig } from '../setup/harness.ts';
import { startSmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { createChannels } from '../../channels/index.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { CONSOLE_DIST } from '../../scripts/lib/defaults.ts';

// Locally, a machine without Chromium skips this file; CI installs Chromium, so there it must run.
const skip = skipWithoutChromium('console');

interface SystemStatus {
  namespace: string;
  taskQueue: string;
  temporalUiUrl: string | null;
  dependencies: { name: string; ok: boolean; reason?: string }[];
}

describe.skipIf(skip)(`console in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser();

  beforeAll(async () => {
    // The console/dist this file tests (the first test reads it), built if it is missing.
    herald = await startHerald({ consoleDir: web.buildConsole('console', 'dist') });
    await web.start(herald.baseUrl);
  });

  afterAll(async () => {
    await herald?.close();
  });

  /** A page in a fresh context (own localStorage), recording console errors and uncaught exceptions. */
  const open = (path: string, options?: PageOptions) => web.open(path, options);

  async function serverStatus(): Promise<SystemStatus> {
    const res = await fetch(`${herald.baseUrl}/api/system/status`);
    expect(res.status).toBe(200);
    return (await res.json()) as SystemStatus;
  }

  const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' });
  const themeOf = (page: Page) =>
    page.locator('.v-application').evaluate((el) => (el.classList.contains('v-theme--dark') ? 'dark' : 'light'));

  it('serves the built console, with the single-page fallback for deep links', async () => {
    expect(existsSync(join(CONSOLE_DIST, 'index.html'))).toBe(true);
    for (const path of ['/', '/system', '/no/such/page']) {
      const res = await fetch(herald.baseUrl + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('opens the System page inside the shell without signing in: app bar, navigation, main content', async () => {
    const page = await open('/system');
    await expect.poll(() => page.title()).toBe('System · Herald');

    await expect.poll(() => page.getByRole('banner').innerText()).toContain('Herald');
    const systemLink = mainNav(page).getByRole('link', { name: 'System' });
    expect(await systemLink.getAttribute('aria-current')).toBe('page');
    // Only pages that exist are listed.
    expect(await mainNav(page).getByRole('link').count()).toBe(1);
    expect(await page.getByRole('main').getByRole('heading', { level: 1 }).innerText()).toBe('System');
  });

  it('shows database and Temporal as ready, with the values the server reports, refreshed every 5 s', async () => {
    const status = await serverStatus();
    expect(status.dependencies.every((d) => d.ok)).toBe(true);

    const page = await open('/system');
    for (const name of ['Database', 'Temporal']) {
      const card = page.getByRole('region', { name });
      await card.getByText('Ready', { exact: true }).waitFor();
      expect(await card.getByText('Failing').count()).toBe(0);
    }
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Herald is ready' }).count()).toBe(1);

    const engine = page.getByRole('region', { name: 'Workflow engine' });
    expect(await engine.getByTestId('namespace').innerText()).toBe(status.namespace);
    expect(await engine.getByTestId('task-queue').innerText()).toBe(status.taskQueue);
    const uiLink = engine.getByRole('link', { name: /Open Temporal Web UI/ });
    if (status.temporalUiUrl) expect(await uiLink.getAttribute('href')).toBe(status.temporalUiUrl);
    else expect(await uiLink.count()).toBe(0);

    await expect.poll(() => page.getByTestId('updated-ago').innerText()).toMatch(/^Updated \d+ s ago$/);
    // The page polls by itself: another status request arrives within the 5 s interval (plus slack).
    await page.waitForResponse((r) => r.url().endsWith('/api/system/status') && r.ok(), { timeout: 8_000 });
  });

  it('says so in words when the API cannot be reached, instead of a blank page', async () => {
    // The refused request is logged by Chromium on purpose: only uncaught exceptions count here.
    const page = await web.newPage({ consoleErrors: false });
    await page.context().route('**/api/system/status', (route) => route.abort('connectionrefused'));
    await page.goto(`${herald.baseUrl}/system`);
    const alert = page.getByRole('alert').filter({ hasText: "Cannot reach Herald's API" });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Check that Herald is running');
    expect(web.errors(page)).toEqual([]);
  });

  it('shows a not-found page for unknown routes and navigates back without reloading', async () => {
    const page = await open('/campaigns/does-not-exist');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.getByRole('main').innerText()).toContain('/campaigns/does-not-exist');

    // A marker on window survives only client-side navigation, not a full page load.
    await page.evaluate(() => Object.assign(globalThis, { heraldMarker: 42 }));
    await mainNav(page).getByRole('link', { name: 'System' }).click();
    await page.waitForURL(/\/system$/);
    await page.getByRole('heading', { level: 1, name: 'System' }).waitFor();
    expect(await page.evaluate(() => (globalThis as { heraldMarker?: number }).heraldMarker)).toBe(42);
  });

  it('switches between light and dark themes and remembers the choice', async () => {
    const page = await open('/system');
    await page.getByRole('region', { name: 'Database' }).waitFor();
    expect(await themeOf(page)).toBe('light');
    const background = () =>
      page.locator('.v-application').evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor);
    const lightBackground = await background();

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await themeOf(page)).toBe('dark');
    expect(await background()).not.toBe(lightBackground);

    await page.reload();
    await page.getByRole('region', { name: 'Database' }).waitFor();
    expect(await themeOf(page)).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await themeOf(page)).toBe('light');
  });

  it('collapses the navigation into a drawer on a phone', async () => {
    const page = await open('/system', { viewport: PHONE, isMobile: true, hasTouch: true });
    await page.getByRole('region', { name: 'Database' }).waitFor();
    const toggle = page.getByRole('button', { name: 'Show navigation' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await mainNav(page).boundingBox().then((b) => (b ? b.x + b.width : 0))).toBeLessThanOrEqual(0);

    await toggle.click();
    await expect.poll(() => mainNav(page).boundingBox().then((b) => b?.x)).toBe(0);
    await mainNav(page).getByRole('link', { name: 'System' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Show navigation' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('writes screenshots of the System page: desktop and phone, light and dark', async () => {
    for (const [device, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await open('/system', { viewport, colorScheme });
        await page.getByRole('region', { name: 'Temporal' }).getByText('Ready', { exact: true }).waitFor();
        expect(await themeOf(page)).toBe(colorScheme); // first visit follows the system preference
        await page.screenshot({ path: join(SCREENSHOTS, `system-${device}-${colorScheme}.png`), fullPage: true });
      }
    }
  });

  it('signs in, lists the company’s campaigns with search and status filters kept in the URL, survives a reload, and signs out', async () => {
    const co = await createApiCompany(herald.deps.orm, 'e2e-acme');
    const app = createApp(herald.deps);
    const manager = as(app, (await signIn(app, co.users.manager.email)).token);
    for (const name of ['Winter sale', 'Spring launch', 'Summer promo']) {
      const res = await manager.post('/api/campaigns', { name, type: 'promotional', channel: 'email', startAt: new Date(Date.now() + 86_400_000).toISOString(), endAt: new Date(Date.now() + 5 * 86_400_000).toISOString() });
      expect(res.status).toBe(201);
    }
    const page = await open('/campaigns');
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Email').fill(co.users.manager.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'do not match an active account' }).waitFor();
    // The refused sign-in is the one error the browser logs (a 401 for the login call): expected here.
    const logged = web.errors(page);
    expect(logged).toEqual([expect.stringMatching(/status of 401/)]);
    logged.length = 0;
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/campaigns/);
    const table = page.getByRole('table');
    await table.getByText('Summer promo').waitFor();
    expect(await table.getByRole('row').count()).toBe(4); // header + 3
    expect(await mainNav(page).getByRole('link', { name: 'Campaigns' }).getAttribute('aria-current')).toBe('page');
    await page.screenshot({ path: join(SCREENSHOTS, 'campaigns-desktop-light.png'), fullPage: true });

    await page.getByRole('textbox', { name: 'Search name, code or description' }).fill('spring');
    await page.waitForURL(/q=spring/);
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.innerText()).toContain('Spring launch');

    // A reload keeps both the signed-in session (refresh cookie) and the view (URL).
    await page.reload();
    await table.getByText('Spring launch').waitFor();
    expect(await page.getByRole('textbox', { name: 'Search name, code or description' }).inputValue()).toBe('spring');

    await page.getByRole('button', { name: /Account of/ }).click();
    await page.getByText('Sign out').click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${herald.baseUrl}/campaigns`);
    await page.waitForURL(/\/sign-in\?next=/);
  });

  it('drives a campaign from the detail page: submit, approve with a comment, send now, live progress to completed; a viewer sees no control', async () => {
    const smtp = await startSmtpSink({ port: await freePort() });
    const channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
    const worker = await startTestWorker(herald.deps.orm, channels);
    herald.deps.config = { ...herald.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
    try {
      const co = await createApiCompany(herald.deps.orm, 'e2e-life');
      await addContacts(herald.deps.orm, co.id, 'e2e-life', 1, 30);
      const app = createApp(herald.deps);
      const created = await as(app, (await signIn(app, co.users.manager.email)).token).post('/api/campaigns', {
        name: 'Live progress',
        type: 'promotional',
        channel: 'email',
        startAt: new Date(Date.now() + 3600_000).toISOString(),
        endAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        budget: '5000.00',
        content: { email: { subject: 'Hello {{ contact.first_name }}', html: '<p>Hi</p>' } },
      });
      expect(created.status).toBe(201);
      const detail = `/campaigns/${created.body.id}`;
      const uiSignIn = async (email: string) => {
        const page = await web.openAs(email, detail);
        await page.getByRole('heading', { level: 1, name: 'Live progress' }).waitFor();
        return page;
      };
      const actions = (page: Page) => page.getByRole('group', { name: 'Campaign actions' });

      const manager = await uiSignIn(co.users.manager.email);
      await actions(manager).getByRole('button', { name: 'Submit' }).click();
      await manager.getByText('Waiting for approval').first().waitFor();
      expect(await actions(manager).getByRole('button').allInnerTexts()).toEqual(['STOP']);

      expect(await mainNav(manager).getByRole('link', { name: 'Approvals' }).count()).toBe(0);

      // The approver finds it in the queue and opens it from there.
      const approver = await uiSignIn(co.users.approver.email);
      await mainNav(approver).getByRole('link', { name: 'Approvals' }).click();
      const queued = approver.getByRole('article', { name: 'Live progress' });
      await queued.waitFor();
      expect(await queued.innerText()).toContain('5000.00 USD');
      await queued.getByRole('link', { name: 'Live progress' }).click();
      await actions(approver).getByRole('button', { name: 'Approve' }).click();
      await approver.getByLabel('Comment (optional)').fill('Go ahead');
      await approver.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
      await approver.getByText('“Go ahead”').waitFor();

      await actions(manager).getByRole('button', { name: 'Send now' }).waitFor();
      await actions(manager).getByRole('button', { name: 'Send now' }).click();
      await manager.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
      await manager.getByRole('dialog').waitFor({ state: 'hidden', timeout: 30_000 });
      // Live: the page updates from the event stream, without a reload, until the campaign completes.
      await manager.getByText('Completed').first().waitFor({ timeout: 60_000 });
      await expect.poll(() => manager.locator('[data-count="sent"]').innerText(), { timeout: 15_000 }).toBe('30');
      expect(await manager.locator('[data-count="remaining"]').innerText()).toBe('0');
      await manager.screenshot({ path: join(SCREENSHOTS, 'campaign-detail-desktop-light.png'), fullPage: true });

      const viewer = await uiSignIn(co.users.viewer.email);
      await viewer.locator('[data-count="sent"]').waitFor();
      expect(await actions(viewer).getByRole('button').count()).toBe(0);
      expect(await viewer.getByRole('heading', { name: 'Workflow history' }).count()).toBe(0);

      // Ops reads the workflow's history on the same page, with who approved it.
      const ops = await uiSignIn(co.users.ops.email);
      const history = ops.getByRole('list', { name: 'Workflow events' });
      await history.getByText('sendBatch completed').first().waitFor();
      expect(await history.innerText()).toMatch(/update approve accepted — by Approver of e2e-life/);
    } finally {
      await worker.close();
      await channels.closeAll();
      await smtp.close();
    }
  });
});
