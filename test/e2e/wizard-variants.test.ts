/// <reference lib="dom" />
/**
 * The wizard's sender, A/B variants and tracked-only channels in a real browser (Debian's Chromium
 * via playwright-core) against the real API, PostgreSQL, Temporal, a worker and a local SMTP sink:
 * - a manager sets the sender and an A/B test (50/50, variant B with its own subject) in the
 *   wizard, submits and sends it now: every message at the sink comes from that sender, both
 *   variants went out, and each recipient got the subject of the variant Herald assigned them;
 * - a paid-ads campaign is created without audience or content, submitted from the review (which
 *   says Herald sends nothing and tracks from start to end) with a start already passed: its page
 *   shows it as Tracking (the workflow's "Sending" in a tooltip) with its window and days left, no
 *   send progress, no Pause, and as Tracking on the home page and the campaign list too; Stop asks
 *   first, says tracking ends and the figures stay, and stops it.
 * axe-core finds no serious or critical violation on those steps and pages; screenshots at desktop and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startHerald } from '../setup/harness.ts';
import { attachWorker, type AttachedWorker } from '../setup/api-worker.ts';
import { createApiCompany, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe, screenshots, skipNote, skipWithoutChromium, until, useBrowser } from '../fixtures/browser.ts';

const skip = skipWithoutChromium('wizard variants');
const CONTACTS = 20;

describe.skipIf(skip)(`wizard sender, A/B variants and tracked channels in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser();
  let smtp: AttachedWorker['smtp'];
  let attached: AttachedWorker;
  let co: ApiCompany;

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('wizard-variants', 'fresh') });
    attached = await attachWorker(herald.deps);
    ({ smtp } = attached);
    co = await createApiCompany(herald.deps.orm, 'e2e-ab');
    await addContacts(herald.deps.orm, co.id, 'e2e-ab', 1, CONTACTS);
    await web.start(herald.baseUrl);
  }, 240_000);

  afterAll(async () => {
    await attached?.close();
    await herald?.close();
  });

  const signedIn = (path: string) => web.openAs(co.users.manager.email, path);
  const axe = (page: Page, name: string) => checkAxe(page, name, 300);
  const shots = (page: Page, name: string) => screenshots(page, name, { fromTop: true, noSidewaysScroll: true });

  /** Picks `option` in the Vuetify select labelled `label` inside `scope`. */
  async function choose(page: Page, scope: Locator, label: string, option: string) {
    const box = scope.getByRole('combobox', { name: label });
    await box.focus();
    await box.press('Enter');
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.getByRole('listbox').waitFor({ state: 'hidden' });
  }

  const step = (page: Page, n: number, title: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 6: ${title}` });
  const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();

  it('a manager sets the sender and an A/B test in the wizard and sends it: each recipient gets its variant, from that sender', async () => {
    const page = await signedIn('/campaigns/new');
    await page.getByLabel('Campaign name').fill('Spring A/B');
    await page.getByRole('button', { name: 'Create draft and continue' }).click();
    await step(page, 2, 'Audience').waitFor();
    // Every region the fixture uses: the whole list, named by a rule.
    await page.getByRole('button', { name: 'Add condition to Audience rules' }).click();
    const condition = page.getByRole('group', { name: 'Condition 1', exact: true });
    await choose(page, condition, 'Field', 'Region');
    await choose(page, condition, 'Condition', 'is one of');
    await condition.getByLabel('Value').fill('East, West, Central');
    await expect.poll(() => page.getByTestId('audience-count').innerText(), { timeout: 15_000 }).toBe(`${CONTACTS} contacts`);
    await next(page);
    await step(page, 3, 'Content').waitFor();

    await page.getByLabel('From name').fill('Acme Offers');
    await page.getByLabel('From address').fill('offers@e2e-ab.example');
    await page.getByLabel('Subject', { exact: true }).fill('Spring is here, {{ contact.first_name }}');
    await page.getByLabel('HTML body', { exact: true }).fill('<p>Hello {{ contact.first_name }}</p>');
    await page.getByRole('button', { name: 'Add an A/B test' }).click();
    await page.getByLabel('Subject, variant B').fill('Last chance, {{ contact.first_name }}');
    expect(await page.getByTestId('variants-total').innerText()).toBe('Shares add up to 100%.');
    await page.getByLabel('Share of variant A (%)').fill('30');
    await page.getByTestId('variants-total').getByText('Shares add up to 80% — they must add up to 100%.').waitFor();
    await page.getByLabel('Share of variant A (%)').fill('50');
    await axe(page, 'wizard content step with sender and variants');
    await shots(page, 'wizard-variants');

    await next(page);
    await step(page, 4, 'Schedule').waitFor();
    await page.getByLabel('As soon as it is approved').check();
    await next(page);
    await step(page, 5, 'Budget and targets').waitFor();
    await next(page);
    await step(page, 6, 'Review and submit').waitFor();
    const review = await page.locator('.review').innerText();
    expect(review).toContain('from Acme Offers offers@e2e-ab.example');
    expect(review).toContain('A/B: A 50%, B 50%');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;

    // Under the approval threshold: scheduled at once. Sent now from the detail page.
    const actions = page.getByRole('group', { name: 'Campaign actions' });
    await actions.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    await page.getByText('Completed').first().waitFor({ timeout: 60_000 });

    const assigned = await herald.deps.orm.em
      .getKnex()
      .raw<{ rows: { address: string; variant: string; first_name: string }[] }>(
        `select r.address, r.variant, c.first_name from campaign_recipients r join contacts c on c.id = r.contact_id where r.campaign_id = ? and r.status = 'sent'`,
        [id],
      );
    expect(assigned.rows).toHaveLength(CONTACTS);
    const mails = smtp.messages();
    expect(mails).toHaveLength(CONTACTS);
    const byVariant: Record<string, number> = {};
    for (const r of assigned.rows) {
      const mail = mails.find((m) => m.to.includes(r.address))!;
      expect(mail.from).toBe('offers@e2e-ab.example');
      expect(mail.raw).toMatch(/^From: Acme Offers <offers@e2e-ab\.example>$/m);
      const subject = r.variant === 'B' ? `Last chance, ${r.first_name}` : `Spring is here, ${r.first_name}`;
      expect(mail.raw).toMatch(new RegExp(`^Subject: ${subject}$`, 'm'));
      // Variant B changed only its subject: its body is the main one.
      expect(mail.raw).toContain(`Hello ${r.first_name}`);
      byVariant[r.variant] = (byVariant[r.variant] ?? 0) + 1;
    }
    expect(Object.keys(byVariant).sort()).toEqual(['A', 'B']);
  }, 120_000);

  it('a paid-ads campaign is submitted from the wizard, runs as Tracking (no send progress, no Pause) and is stopped after a confirmation', async () => {
    const page = await signedIn('/campaigns/new');
    const errors = web.errors(page);
    await page.getByLabel('Campaign name').fill('Spring search ads');
    await choose(page, page.getByRole('main'), 'Channel', 'Paid ads (tracked, not sent)');
    await page.getByText('Herald sends nothing on this channel').waitFor();
    await page.getByRole('button', { name: 'Create draft and continue' }).click();
    await step(page, 2, 'Audience').waitFor();
    expect(await page.getByTestId('tracked-only').innerText()).toContain('A paid ads campaign is tracked, not sent');
    await axe(page, 'wizard audience step of a tracked campaign');
    await next(page);
    await step(page, 3, 'Content').waitFor();
    await page.getByTestId('tracked-only').waitFor();
    expect(await page.getByLabel('Subject', { exact: true }).count()).toBe(0);

    // Tracked from the start of this minute (already passed: the API takes a start a few minutes old)
    // for two days and an hour, in the company's zone.
    const zone = (await herald.deps.orm.em.getKnex().raw<{ rows: { time_zone: string }[] }>(`select time_zone from companies where id = ?`, [co.id])).rows[0]!.time_zone;
    const local = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: zone }).slice(0, 16).replace(' ', 'T');
    const startMs = Math.floor(Date.now() / 60_000) * 60_000;
    const endMs = startMs + 2 * 86_400_000 + 3_600_000;
    await next(page);
    await step(page, 4, 'Schedule').waitFor();
    await page.getByLabel(`Starts (${zone})`).fill(local(startMs));
    await page.getByLabel(`Ends (${zone})`).fill(local(endMs));

    await page.getByRole('navigation', { name: 'Wizard steps' }).getByRole('button', { name: /Review and submit/ }).click();
    await step(page, 6, 'Review and submit').waitFor();
    const says = await page.getByTestId('tracked-submit').innerText();
    expect(says).toMatch(new RegExp(`^Herald sends nothing on paid ads; it tracks the figures you record from .+ to .+ \\(${zone.replace('/', '\\/')}\\)\\.$`));
    // No budget, so under the 1 000 threshold: a plain submit, scheduled at once.
    expect(await page.getByRole('button', { name: 'Submit for approval' }).count()).toBe(0);
    await axe(page, 'wizard review of a tracked campaign');
    await shots(page, 'wizard-tracked-review');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const row = async () => {
      const sql = `select primary_channel, status, extract(epoch from start_at)::int as start_s, extract(epoch from end_at)::int as end_s from campaigns where id = ?`;
      return (await herald.deps.orm.em.getKnex().raw<{ rows: { primary_channel: string; status: string; start_s: number; end_s: number }[] }>(sql, [id])).rows[0]!;
    };
    expect(await row()).toMatchObject({ primary_channel: 'paid_ads', start_s: startMs / 1000, end_s: endMs / 1000 });

    // Its start has passed: the workflow runs it (`sending`), which the page says as Tracking.
    const chip = page.locator('.v-chip[data-status]').first();
    await until(async () => (await chip.getAttribute('data-status')) === 'sending', 'the campaign page shows it running', 30_000);
    expect((await chip.innerText()).trim()).toBe('Tracking');
    expect((await row()).status).toBe('sending');
    await chip.hover();
    await page.getByText('Workflow state: Sending.').waitFor();
    await page.mouse.move(0, 0);
    const actions = page.getByRole('group', { name: 'Campaign actions' });
    await actions.getByRole('button', { name: 'Stop' }).waitFor();
    expect(await actions.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await actions.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    // The overview: its window and the days left, no send progress bar or ETA.
    const overview = page.getByTestId('tracking-window');
    expect(await overview.innerText()).toContain('Herald sends nothing on paid ads; it tracks the figures you record from');
    expect(await page.getByTestId('tracking-where').innerText()).toBe('Tracking now: 2 days left.');
    expect(await page.getByRole('progressbar', { name: /of the audience handled/ }).count()).toBe(0);
    expect(await page.getByText('Done in about').count()).toBe(0);
    await axe(page, 'campaign page of a tracked campaign');
    await shots(page, 'campaign-tracked');

    // The home page's running campaigns and the campaign list say Tracking too, with no send progress;
    // the home section's title says tracking (not only "Sending now") while it lists a tracked campaign.
    const home = await signedIn('/');
    await home.getByRole('region', { name: /^(Sending and tracking|Tracking) now$/ }).waitFor();
    const running = home.getByRole('list', { name: /^Campaigns (sending and )?tracking now$/ }).locator(`li[data-campaign="${id}"]`);
    await running.waitFor();
    expect((await running.locator('.v-chip').innerText()).trim()).toBe('Tracking');
    expect(await running.getByTestId('tracking-line').innerText()).toMatch(/^Tracked, not sent: tracking until .+ · 2 days left$/);
    expect(await running.getByRole('progressbar').count()).toBe(0);
    await home.goto(new URL('/campaigns', home.url()).href);
    const listed = home.getByRole('row').filter({ hasText: 'Spring search ads' });
    await listed.waitFor();
    expect((await listed.locator('.v-chip').innerText()).trim()).toBe('Tracking');
    await home.close();

    // Stop asks first and says what it means for a tracked campaign.
    await actions.getByRole('button', { name: 'Stop' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Stop tracking this campaign?').waitFor();
    const warning = await dialog.innerText();
    expect(warning).toContain('Tracking ends now instead of at its end date. The figures recorded so far stay with the campaign.');
    expect(warning).not.toContain('not yet sent');
    await axe(page, 'stop dialog of a tracked campaign');
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await until(async () => (await chip.getAttribute('data-status')) === 'stopped', 'the campaign page shows it stopped', 30_000);
    expect((await chip.innerText()).trim()).toBe('Stopped');
    expect((await row()).status).toBe('stopped');
    expect(await page.getByTestId('tracking-where').innerText()).toContain('Tracking was stopped before its end date');
    const sent = await herald.deps.orm.em.getKnex().raw<{ rows: { n: number }[] }>(`select count(*)::int as n from campaign_recipients where campaign_id = ?`, [id]);
    expect(sent.rows[0]!.n).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);
});
