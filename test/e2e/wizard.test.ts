/// <reference lib="dom" />
/**
 * The campaign wizard in a real browser (Debian's Chromium via playwright-core) against the real
 * API, PostgreSQL, Temporal and a worker: a manager creates a campaign step by step — a nested
 * audience rule built in the visual builder (partly from the keyboard) with its live exact count, an
 * e-mail whose subject gets a personalisation field from the list, a preview in a sandboxed frame —
 * submits it, and an approver finds it in the queue and approves it. axe-core runs on each step.
 *
 * The console is built into a folder of this run's own, so the test always drives the code under
 * test and never replaces the build another browser test is serving. Screenshots (desktop 1440×900
 * and phone 390×844) go to $E2E_SCREENSHOT_DIR, or to the folder the other browser tests use.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startHerald, testConfig } from '../setup/harness.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe, PHONE, SCREENSHOTS, screenshots, skipNote, skipWithoutChromium, useBrowser } from '../fixtures/browser.ts';
import { createChannels } from '../../channels/index.ts';

const skip = skipWithoutChromium('wizard');
const CONTACTS = 30;

/**
 * The contacts addContacts writes (i = 1…30): region East/Central/West by i % 3, tier gold for even
 * i, first name "First<i>". The rule the manager builds, evaluated here independently of the API.
 */
function expectedAudience(): number {
  let n = 0;
  for (let i = 1; i <= CONTACTS; i += 1) {
    const region = ['East', 'Central', 'West'][i % 3];
    const inRegion = region === 'East' || region === 'West';
    const gold = i % 2 === 0;
    const firstName = `First${i}`;
    if (inRegion && (gold || firstName.startsWith('First1'))) n += 1;
  }
  return n;
}

describe.skipIf(skip)(`campaign wizard in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  let worker: TestWorker;
  let channels: ReturnType<typeof createChannels>;
  const web = useBrowser();
  let co: ApiCompany;

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('wizard', 'fresh') });
    channels = createChannels(testConfig());
    worker = await startTestWorker(herald.deps.orm, channels);
    herald.deps.config = { ...herald.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
    co = await createApiCompany(herald.deps.orm, 'e2e-wizard');
    await addContacts(herald.deps.orm, co.id, 'e2e-wizard', 1, CONTACTS);
    await web.start(herald.baseUrl);
  }, 240_000);

  afterAll(async () => {
    await worker?.close();
    await channels?.closeAll();
    await herald?.close();
  });

  const signedIn = (email: string, path: string) => web.openAs(email, path);
  const axe = (page: Page, name: string) => checkAxe(page, name, 0);
  const shots = (page: Page, name: string) => screenshots(page, name, { fromTop: true, noSidewaysScroll: true });

  /** Picks `option` in the Vuetify select labelled `label` inside `scope`, opening it from the keyboard. */
  async function choose(page: Page, scope: Locator, label: string, option: string) {
    const box = scope.getByRole('combobox', { name: label });
    await box.focus();
    await box.press('Enter');
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.getByRole('listbox').waitFor({ state: 'hidden' });
  }

  const condition = (page: Page, label: string) => page.getByRole('group', { name: `Condition ${label}`, exact: true });
  const step = (page: Page, n: number, title: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 6: ${title}` });

  it('a manager builds and submits a campaign in the wizard; an approver approves it from the queue', async () => {
    const manager = await signedIn(co.users.manager.email, '/campaigns');
    await manager.getByRole('link', { name: 'New campaign' }).click();
    await manager.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();

    // 1. Details: leaving the step creates the draft.
    await manager.getByLabel('Campaign name').fill('Wizard winter sale');
    await manager.getByRole('button', { name: 'Create draft and continue' }).click();
    await manager.waitForURL(/\/campaigns\/[0-9a-f-]{36}\/edit\?step=audience$/);
    const id = /\/campaigns\/([0-9a-f-]{36})\//.exec(manager.url())![1]!;
    await step(manager, 2, 'Audience').waitFor();

    // 2. Audience: region is East or West, and (tier is gold, or first name starts with First1).
    // The first condition is added from the keyboard: focus lands in its Field input.
    await manager.getByRole('button', { name: 'Add condition to Audience rules' }).focus();
    await manager.keyboard.press('Enter');
    await condition(manager, '1').waitFor();
    expect(await condition(manager, '1').evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await choose(manager, condition(manager, '1'), 'Field', 'Region');
    await choose(manager, condition(manager, '1'), 'Condition', 'is one of');
    await condition(manager, '1').getByLabel('Value').fill('East, West');

    await manager.getByRole('button', { name: 'Add group to Audience rules' }).click();
    const group = manager.getByRole('group', { name: 'Group 2', exact: true });
    await group.waitFor();
    await choose(manager, group, 'Group 2 matches', 'any of these');
    await choose(manager, condition(manager, '2.1'), 'Field', 'Custom attribute…');
    await condition(manager, '2.1').getByLabel('Attribute name').fill('tier');
    await choose(manager, condition(manager, '2.1'), 'Condition', 'is');
    await condition(manager, '2.1').getByLabel('Value').fill('gold');
    await group.getByRole('button', { name: 'Add condition to Group 2' }).click();
    await choose(manager, condition(manager, '2.2'), 'Field', 'First name');
    await choose(manager, condition(manager, '2.2'), 'Condition', 'starts with');
    await condition(manager, '2.2').getByLabel('Value').fill('First1');

    // The live exact count follows the rules (debounced), equal to the fixture's own arithmetic.
    const count = manager.getByTestId('audience-count');
    await expect.poll(() => count.innerText(), { timeout: 15_000 }).toBe(`${expectedAudience()} contacts`);
    await manager.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 15_000 });
    await axe(manager, 'wizard audience step');
    await shots(manager, 'wizard-audience');

    // 3. Content: a personalisation field inserted at the cursor, and a preview in a sandboxed frame.
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 3, 'Content').waitFor();
    const subject = manager.getByLabel('Subject', { exact: true });
    await subject.fill('Hello , our winter sale starts now');
    await subject.focus();
    await subject.evaluate((el: HTMLInputElement) => el.setSelectionRange(6, 6));
    await subject.press('ArrowRight');
    await subject.press('ArrowLeft');
    await manager.getByRole('button', { name: 'Insert personalisation field' }).click();
    await manager.getByRole('menuitem', { name: /First name/ }).or(manager.getByRole('option', { name: /First name/ })).or(manager.getByRole('listitem').filter({ hasText: 'First name' })).first().click();
    await expect.poll(() => subject.inputValue()).toBe('Hello {{ contact.first_name }}, our winter sale starts now');
    await manager.getByLabel('HTML body').fill('<h1>Winter sale</h1><p>Hi {{ contact.first_name }}, everything is 20% off.</p>');
    await manager.getByRole('button', { name: 'Preview' }).click();
    const frame = manager.locator('iframe[title^="E-mail preview"]');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await manager.getByTestId('preview-subject').innerText()).toBe('Hello Alex, our winter sale starts now');
    expect(await frame.contentFrame().locator('p').innerText()).toBe('Hi Alex, everything is 20% off.');
    await axe(manager, 'wizard content step');
    await shots(manager, 'wizard-content');
    // (A phone shot may draw the frame blank while it is off screen; its content is still there.)
    expect(await frame.contentFrame().locator('h1').innerText()).toBe('Winter sale');

    // 4. Schedule: as soon as it is approved. 5. Budget above the approval threshold.
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 4, 'Schedule').waitFor();
    await manager.getByLabel('As soon as it is approved').check();
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 5, 'Budget and targets').waitFor();
    await manager.getByLabel('Budget', { exact: true }).fill('5000.00');
    await manager.getByRole('button', { name: 'Next' }).click();
    await step(manager, 6, 'Review and submit').waitFor();
    await axe(manager, 'wizard review step');
    await shots(manager, 'wizard-review');

    // What the API holds is what the user built.
    const api = as(createApp(herald.deps), (await signIn(createApp(herald.deps), co.users.manager.email)).token);
    const saved = (await api.get(`/api/campaigns/${id}`)).body;
    expect(saved.audience.rules).toEqual({
      all: [
        { field: 'region', op: 'in', value: ['East', 'West'] },
        { any: [{ field: 'attributes.tier', op: '=', value: 'gold' }, { field: 'first_name', op: 'starts_with', value: 'First1' }] },
      ],
    });
    expect(saved.content.email.subject).toBe('Hello {{ contact.first_name }}, our winter sale starts now');
    expect(saved.budget.amount).toBe('5000.00');

    await manager.getByRole('button', { name: 'Submit for approval' }).click();
    await manager.waitForURL(new RegExp(`/campaigns/${id}$`));
    await manager.getByText('Waiting for approval').first().waitFor();

    // The approver finds it in the queue and approves it.
    const approver = await signedIn(co.users.approver.email, '/approvals');
    const queued = approver.getByRole('article', { name: 'Wizard winter sale' });
    await queued.waitFor();
    expect(await queued.innerText()).toContain('5000.00');
    await queued.getByRole('link', { name: 'Wizard winter sale' }).click();
    await approver.getByRole('group', { name: 'Campaign actions' }).getByRole('button', { name: 'Approve' }).click();
    await approver.getByLabel('Comment (optional)').fill('Looks right');
    await approver.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await approver.getByText('“Looks right”').waitFor();
    await expect.poll(async () => (await api.get(`/api/campaigns/${id}`)).body.approvalStatus, { timeout: 15_000 }).toBe('approved');
    expect(web.errors()).toEqual([]);
  }, 180_000);

  it('on a phone the steps sit above the form, and reopening the edit link resumes the saved draft', async () => {
    const api = as(createApp(herald.deps), (await signIn(createApp(herald.deps), co.users.manager.email)).token);
    const created = await api.post('/api/campaigns', {
      name: 'Resumed draft',
      type: 'newsletter',
      channel: 'email',
      startAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      endAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
      audience: { rules: { not: { field: 'region', op: '=', value: 'Central' } } },
    });
    expect(created.status).toBe(201);
    const page = await signedIn(co.users.manager.email, `/campaigns/${created.body.id}/edit?step=audience`);
    await page.setViewportSize(PHONE);
    await step(page, 2, 'Audience').waitFor();
    // The stored rule comes back as a "none of" group holding its condition, and is counted.
    const rules = page.getByRole('group', { name: 'Audience rules' });
    expect(await rules.locator('.v-select__selection-text').first().innerText()).toBe('none of these');
    expect(await condition(page, '1').innerText()).toMatch(/Region[\s\S]*is/);
    expect(await condition(page, '1').getByLabel('Value').inputValue()).toBe('Central');
    const notCentral = Array.from({ length: CONTACTS }, (_, k) => ['East', 'Central', 'West'][(k + 1) % 3]).filter((r) => r !== 'Central').length;
    await expect.poll(() => page.getByTestId('audience-count').innerText(), { timeout: 15_000 }).toBe(`${notCentral} contacts`);
    const nav = await page.getByRole('navigation', { name: 'Wizard steps' }).boundingBox();
    const form = await page.getByRole('heading', { level: 2 }).boundingBox();
    expect(nav!.y + nav!.height).toBeLessThanOrEqual(form!.y);
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-resume-phone-light.png'), fullPage: true });
    expect(web.errors()).toEqual([]);
  }, 60_000);
});
