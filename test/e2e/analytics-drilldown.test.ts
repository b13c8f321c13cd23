/// <reference lib="dom" />
/**
 * Seed 004's timeline and seed 000's drill-down in Debian's Chromium against the real API and
 * PostgreSQL: the campaign overview puts every campaign on a timeline (a chart described in words,
 * with its table a key press away); from there an analyst drills into a campaign, to its
 * conversions one by one and to its recipients, filters each, reloads, and finds the same view —
 * the whole path is in the URL. A campaign's page draws its engagement day by day and ranks its
 * retailers and regions (seed 004); its own filter bar reads all time unless told otherwise. A
 * viewer, who may not read personal data, sees addresses masked.
 * axe-core on each view; screenshots at desktop and phone width.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHerald } from '../setup/harness.ts';
import { createApiCompany, type ApiCompany } from '../fixtures/api-world.ts';
import { addContacts } from '../fixtures/campaigns.ts';
import { checkAxe as axe, screenshots, skipNote, skipWithoutChromium, useBrowser } from '../fixtures/browser.ts';
import type { Role } from '../../domain/permissions.ts';

const skip = skipWithoutChromium('drill-down');
const ZONE = 'Europe/Berlin';
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
/** The calendar day of an instant in the company's time zone. */
const dayIn = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
/** Calendar days from the first to the last, both counted, in the company's zone (a DST change or the hour of the run can move either day). */
const daysIn = (start: string, end: string) => String((Date.parse(dayIn(end)) - Date.parse(dayIn(start))) / 86_400_000 + 1);

describe.skipIf(skip)(`campaign timeline and drill-down in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  const web = useBrowser({ context: { locale: 'en-US' } });
  let co: ApiCompany;
  let sql: Knex;
  const c = { news: { id: '', start: at(-5), end: at(10) }, blast: { id: '', start: at(-40), end: at(-20) } };

  async function campaign(code: string, name: string, channel: string, status: string, start: string, end: string, budget: string) {
    const res = await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, created_by_id)
       values (?, ?, ?, 'promotional', ?, array[?]::text[], ?, ?, ?, 'USD', ?, ?) returning id`,
      [co.id, code, name, channel, channel, status, start, end, budget, co.users.manager.id],
    );
    return res.rows[0]!.id;
  }

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('drill') });
    await web.start(herald.baseUrl);
    co = await createApiCompany(herald.deps.orm, 'e2e-drill');
    sql = herald.deps.orm.em.getKnex();
    await sql.raw(`update companies set time_zone = ? where id = ?`, [ZONE, co.id]);
    c.news.id = await campaign('DR-NEWS', 'Spring newsletter', 'email', 'sending', c.news.start, c.news.end, '400');
    c.blast.id = await campaign('DR-BLAST', 'January SMS Blast', 'sms', 'completed', c.blast.start, c.blast.end, '5000');
    await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 400, 'USD', 'other', ?), (?, ?, 5000, 'USD', 'other', ?)`, [
      co.id, c.news.id, at(-3).slice(0, 10), co.id, c.blast.id, at(-30).slice(0, 10),
    ]);
    // 30 recipients of the newsletter: 28 delivered, the last two bounced.
    await addContacts(herald.deps.orm, co.id, 'e2e-drill', 1, 30);
    await sql.raw(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status, reason, error, sent_at, delivered_at)
       select ?, ?, k.id, 'email', n, k.email, case when n <= 28 then 'delivered' else 'bounced' end,
              case when n > 28 then 'hard_bounce' end, case when n > 28 then '550 5.1.1 mailbox unavailable' end,
              now() - interval '4 days', case when n <= 28 then now() - interval '4 days' + interval '5 seconds' end
         from (select k.*, row_number() over (order by k.email) as n from contacts k where k.company_id = ?) k`,
      [co.id, c.news.id, co.id],
    );
    // Two of them are retailers (seed 004), before any figure is counted for them.
    await sql.raw(
      `update contacts set attributes = attributes || jsonb_build_object('retailer', true, 'retailer_name', case email when 'c1@e2e-drill.example' then 'Cartier Rodeo Drive' else 'Betteridge NY' end)
        where company_id = ? and email in ('c1@e2e-drill.example', 'c2@e2e-drill.example')`,
      [co.id],
    );
    // Its conversions: two sales and a lead, from known contacts in their regions.
    await sql.raw(
      `insert into conversions (company_id, campaign_id, contact_id, region, type, value, currency, external_id, source, lead_stage, occurred_at)
       select ?, ?, k.id, k.region, x.type, x.value, 'USD', x.ext, 'crm', x.stage, now() - (x.ago || ' hours')::interval
         from (values ('sale', 1500, 'CRM-1', null, 30, 'c1@e2e-drill.example'), ('sale', 250.5, 'CRM-2', null, 20, 'c2@e2e-drill.example'),
                      ('lead', 0, 'CRM-3', 'qualified', 10, 'c3@e2e-drill.example')) x(type, value, ext, stage, ago, email)
         join contacts k on k.company_id = ? and k.email = x.email`,
      [co.id, c.news.id, co.id],
    );
  });

  afterAll(async () => {
    await herald?.close();
  });

  const openAs = (role: Role, path: string) => web.openAs(co.users[role].email, path);
  const shots = (page: Page, name: string) => screenshots(page, name, { prefix: 'analytics-', suffix: '', settleMs: 500, axeOnPhone: true });
  const rows = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())));
  const query = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);
  async function pick(page: Page, testid: string, option: string) {
    await page.getByTestId(testid).click();
    await page.getByRole('option', { name: option }).click();
  }

  it('the campaign overview puts every campaign on a timeline, in words and as a table too', async () => {
    const page = await openAs('analyst', '/analytics/campaigns?preset=90d');
    const card = page.getByTestId('campaign-timeline');
    await card.locator('.apexcharts-canvas').waitFor();
    expect(await card.locator('svg').first().innerHTML()).toContain('ROI');
    const description = await card.getByTestId('chart-description').textContent();
    expect(description).toContain(`2 campaigns between ${dayIn(c.blast.start)} and ${dayIn(c.news.end)}, earliest start first. 1 running today: Spring newsletter.`);
    await axe(page, 'campaign timeline');
    await shots(page, 'campaign-timeline');
    await card.getByTestId('toggle-table').click();
    expect(await rows(page, 'campaign-timeline')).toEqual([
      ['January SMS Blast', 'DR-BLAST', 'Completed', dayIn(c.blast.start), dayIn(c.blast.end), daysIn(c.blast.start, c.blast.end), '−100.0 %'],
      ['Spring newsletter', 'DR-NEWS', 'Sending', dayIn(c.news.start), dayIn(c.news.end), daysIn(c.news.start, c.news.end), '337.6 %'],
    ]);
  });

  it("drills from the overview to a campaign's conversions and recipients, and a reload keeps each step", async () => {
    const page = await openAs('analyst', '/analytics/campaigns?preset=90d');
    await page.getByTestId('campaign-card-DR-NEWS').getByRole('link', { name: 'Spring newsletter' }).click();
    await page.waitForURL(new RegExp(`/analytics/campaigns/${c.news.id}`));
    expect(query(page)).toEqual({ preset: '90d' });

    await page.getByTestId('tab-conversions').click();
    await page.getByTestId('conversion-list').waitFor();
    expect(query(page)).toEqual({ preset: '90d', tab: 'conversions' });
    const all = await rows(page, 'conversion-list');
    expect(all.map((r) => [r[1], r[2], r[4], r[5], r[7]])).toEqual([
      ['Lead', '$0.00', 'East', 'qualified', 'CRM-3'],
      ['Sale', '$250.50', 'West', '—', 'CRM-2'],
      ['Sale', '$1,500.00', 'Central', '—', 'CRM-1'],
    ]);
    await pick(page, 'conversion-type', 'Sale');
    await expect.poll(() => query(page)).toEqual({ preset: '90d', tab: 'conversions', type: 'sale' });
    await expect.poll(async () => (await rows(page, 'conversion-list')).map((r) => r[7])).toEqual(['CRM-2', 'CRM-1']);
    await axe(page, 'campaign conversions');
    await shots(page, 'campaign-conversions');
    await page.reload();
    await page.getByTestId('conversion-list').waitFor();
    expect((await rows(page, 'conversion-list')).map((r) => r[7])).toEqual(['CRM-2', 'CRM-1']);
    expect(await page.getByTestId('conversion-count').textContent()).toContain('2 sales, newest first.');

    await page.getByTestId('to-recipients').click();
    await page.getByTestId('recipients').waitFor();
    // The conversions' own filter stays behind; the analytics filters come along.
    expect(query(page)).toEqual({ preset: '90d', tab: 'recipients' });
    expect((await page.getByTestId('recipient-summary').textContent())!.replace(/\s+/g, ' ').trim()).toBe('30 recipients: 28 delivered, 2 bounced.');
    expect(await page.locator('[data-testid="recipients"] tbody tr').count()).toBe(25);
    await pick(page, 'recipient-status', 'Bounced (2)');
    await expect.poll(() => query(page)).toEqual({ preset: '90d', tab: 'recipients', status: 'bounced' });
    await expect.poll(async () => (await rows(page, 'recipients')).map((r) => [r[0], r[4], r[5]])).toEqual([
      ['29', 'Bounced', 'hard_bounce: 550 5.1.1 mailbox unavailable'],
      ['30', 'Bounced', 'hard_bounce: 550 5.1.1 mailbox unavailable'],
    ]);
    await axe(page, 'campaign recipients');
    await shots(page, 'campaign-recipients');
    const shared = page.url();
    await page.reload();
    await page.getByTestId('recipients').waitFor();
    expect(page.url()).toBe(shared);
    expect((await rows(page, 'recipients')).map((r) => r[0])).toEqual(['29', '30']);
    // Back to the unfiltered list and its second page, by the pager.
    await page.getByTestId('recipient-status').locator('.v-field__clearable').click();
    await expect.poll(async () => (await rows(page, 'recipients')).length).toBe(25);
    await page.getByRole('button', { name: 'Go to page 2' }).click();
    await expect.poll(() => query(page)).toEqual({ preset: '90d', tab: 'recipients', page: '2' });
    await expect.poll(async () => (await rows(page, 'recipients')).map((r) => r[0])).toEqual(['26', '27', '28', '29', '30']);
  });

  it("a campaign's page ranks its retailers and its regions by attributed revenue (seed 004's campaign page)", async () => {
    const page = await openAs('manager', `/analytics/campaigns/${c.news.id}?tab=retailers`);
    await page.getByTestId('leaderboard-region').waitFor();
    await page.getByTestId('leaderboard-retailer').waitFor();
    // All time is the campaign's own days, up to its end (it has not ended yet).
    expect(await page.getByTestId('breakdown-period').textContent()).toBe(`Figures for ${dayIn(c.news.start)} – ${dayIn(c.news.end)}.`);
    expect((await rows(page, 'leaderboard-retailer')).map((r) => [r[0], r[1], r[2], r[7]])).toEqual([
      ['1', 'Cartier Rodeo Drive', 'Central', '$1,500.00'],
      ['2', 'Betteridge NY', 'West', '$250.50'],
    ]);
    expect((await rows(page, 'leaderboard-region')).map((r) => [r[1], r[4], r[6]])).toEqual([
      ['Central', '0', '$1,500.00'],
      ['West', '0', '$250.50'],
      // The campaign's spend belongs to no region: it is listed, not spread over the others.
      ['No region', '0', '$0.00'],
      ['East', '1', '$0.00'],
    ]);
    await axe(page, 'campaign retailers and regions');
    await shots(page, 'campaign-retailers');
  });

  it("a campaign's engagement timeline shows the day it went out (seed 004)", async () => {
    const page = await openAs('analyst', `/analytics/campaigns/${c.news.id}?tab=messages`);
    const card = page.getByTestId('engagement-timeline');
    await card.locator('.apexcharts-canvas').waitFor();
    expect(await card.getByTestId('chart-description').textContent()).toContain('30 sent, 28 delivered, 0 opened and 0 clicked. Nobody has opened or clicked yet.');
    await card.getByTestId('toggle-table').click();
    const sent = (await rows(page, 'engagement-timeline')).filter((r) => r[1] !== '0');
    expect(sent).toEqual([[dayIn(at(-4)), '30', '28', '0', '0', '0', '0']]);
    await axe(page, 'engagement timeline');
    await shots(page, 'campaign-engagement');
  });

  it("a campaign's page has its own filter bar: all time by default, a period or region from the URL, each removable; the conversion list narrows with it", async () => {
    const page = await openAs('analyst', `/analytics/campaigns/${c.news.id}?preset=7d&region=East&tab=conversions`);
    const key = (k: string) => page.locator(`[data-testid="key-${k}"] [data-testid="key-value"]`).innerText();
    await page.getByTestId('conversion-list').waitFor();
    // East has the lead and none of the sales.
    expect([await key('leads'), await key('conversions')]).toEqual(['1', '0']);
    expect(await page.getByTestId('campaign-period').locator('.v-select__selection').innerText()).toBe('Last 7 days');
    // The list below narrows as the figures do: East's lead, not the two sales.
    await expect.poll(async () => (await rows(page, 'conversion-list')).map((r) => r[7])).toEqual(['CRM-3']);
    await axe(page, 'campaign filters');
    await page.getByRole('button', { name: 'Remove Region: East' }).click();
    await expect.poll(() => query(page)).toEqual({ preset: '7d', tab: 'conversions' });
    await expect.poll(async () => (await rows(page, 'conversion-list')).map((r) => r[7])).toEqual(['CRM-3', 'CRM-2', 'CRM-1']);
    await expect.poll(() => key('conversions')).toBe('2');
    await pick(page, 'campaign-period', 'All time');
    await expect.poll(() => query(page)).toEqual({ tab: 'conversions' });
    await expect.poll(async () => (await page.locator('main header').innerText()).replace(/\s+/g, ' ')).toContain('figures all time');
  });

  it('a viewer, who may not read personal data, sees recipients with their addresses masked', async () => {
    const page = await openAs('viewer', `/analytics/campaigns/${c.news.id}?tab=recipients`);
    await page.getByTestId('recipients').waitFor();
    const first = (await rows(page, 'recipients'))[0]!;
    expect(first[1]).not.toContain('c1@e2e-drill.example');
    expect(first[1]).toMatch(/\*/);
  });
});
