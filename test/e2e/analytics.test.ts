/**
 * The console's analytics pages in a real browser (Debian's Chromium via playwright-core) against the
 * real API and PostgreSQL, the rollup triggers counting facts written into the fact tables: an analyst
 * arranges her dashboard and finds it so after a reload; drills from revenue to a campaign to its
 * conversions; seed 003's example reads exactly 10.0 %, 41.67, 260.0 % and 72.2 %; a conversion posted
 * through the API appears on the open dashboard without a reload; the CSV export holds the table on
 * screen; a role without analytics:export sees the figures but no export. axe-core on every page.
 *
 * Screenshots (1440×900 and 390×844) go to $E2E_SCREENSHOT_DIR or the shared temp folder.
 */
import { readFileSync } from 'node:fs';
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHerald } from '../setup/harness.ts';
import { createApp } from '../../api/app.ts';
import { as, createApiCompany, signIn, type ApiCompany } from '../fixtures/api-world.ts';
import { checkAxe as axe, screenshots, skipNote, skipWithoutChromium, useBrowser } from '../fixtures/browser.ts';
import type { Role } from '../../domain/permissions.ts';

const skip = skipWithoutChromium('analytics');
const DAY = 86_400_000;
const dayAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

describe.skipIf(skip)(`console analytics in Chromium${skipNote}`, () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  // A role without analytics:read is refused by the API on purpose; that refusal is not a fault.
  const web = useBrowser({ context: { acceptDownloads: true }, ignoreConsole: /status of 403/ });
  let co: ApiCompany;
  let sql: Knex;
  let manager: ReturnType<typeof as>;
  const ids = { sms: '', email: '', smsCode: '' };

  async function campaign(name: string, channel: string, budget: string, targets: [number, number, string]) {
    const code = `AN-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const res = await sql.raw<{ rows: { id: string }[] }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, total_budget, target_leads, target_conversions, target_roi, created_by_id)
       values (?, ?, ?, 'promotional', ?, array[?]::text[], 'completed', ?, ?, 'USD', ?, ?, ?, ?, ?) returning id`,
      [co.id, code, name, channel, channel, `${dayAgo(12)}T00:00:00Z`, `${dayAgo(2)}T00:00:00Z`, budget, ...targets, co.users.manager.id],
    );
    return { id: res.rows[0]!.id, code };
  }
  async function facts(campaignId: string, spend: string, leads: number, sales: number, value: string) {
    await sql.raw(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, ?, 'USD', 'other', ?)`, [co.id, campaignId, spend, dayAgo(6)]);
    const rows = [...Array.from({ length: leads }, (_, i) => ({ type: 'lead', value: '0', day: dayAgo(5 + (i % 3)) })), ...Array.from({ length: sales }, (_, i) => ({ type: 'sale', value, day: dayAgo(5 + (i % 3)) }))];
    await sql.raw(
      `insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at)
       select ?, ?, (x->>'type')::text, (x->>'value')::numeric, 'USD', gen_random_uuid()::text, 'test', ((x->>'day') || 'T12:00:00Z')::timestamptz
         from jsonb_array_elements(?::jsonb) x`,
      [co.id, campaignId, JSON.stringify(rows)],
    );
  }

  beforeAll(async () => {
    herald = await startHerald({ consoleDir: web.buildConsole('analytics') });
    await web.start(herald.baseUrl);
    co = await createApiCompany(herald.deps.orm, 'e2e-analytics');
    sql = herald.deps.orm.em.getKnex();
    const app = createApp(herald.deps);
    manager = as(app, (await signIn(app, co.users.manager.email)).token);
    // Seed 003's example: 5 000 spent, 120 leads, 12 sales of 1 500 each; targets 150 leads, 15 sales, ROI 250 %.
    const sms = await campaign('January SMS Blast', 'sms', '5000', [150, 15, '250.00']);
    ids.sms = sms.id;
    ids.smsCode = sms.code;
    await facts(sms.id, '5000', 120, 12, '1500');
    ids.email = (await campaign('Spring newsletter', 'email', '400', [0, 0, '0'])).id;
    await facts(ids.email, '400', 20, 2, '100');
  });

  afterAll(async () => {
    await herald?.close();
  });

  const openAs = (role: Role, path: string) => web.openAs(co.users[role].email, path);
  const shots = (page: Page, name: string) => screenshots(page, name, { prefix: 'analytics-', suffix: '', settleMs: 500, axeOnPhone: true });

  const kpi = (page: Page, key: string) => page.locator(`[data-testid="kpi-${key}"] [data-testid="kpi-value"]`);
  const widgetOrder = (page: Page) => page.locator('[data-widget]').evaluateAll((els) => els.map((e) => e.getAttribute('data-widget')));

  it('an analyst arranges two widgets, reloads, and finds them where she left them', async () => {
    const page = await openAs('analyst', '/analytics');
    await expect.poll(() => kpi(page, 'revenue').innerText()).toBe('$18,200.00');
    const interactive = Date.now() - web.signedInAt(page);
    console.log(`dashboard interactive ${interactive} ms after the sign-in click`);
    expect(await kpi(page, 'conversions').innerText()).toBe('14');
    expect(await widgetOrder(page)).toEqual(['kpis', 'trends', 'recommendations', 'channels', 'performers', 'heatmap']);
    await axe(page, 'dashboard');
    await shots(page, 'dashboard');

    await page.getByTestId('edit-layout').click();
    // One by the keyboard's buttons, one by drag and drop.
    await page.getByTestId('later-kpis').click();
    // The mouse as a person moves it (HTML5 drag and drop needs intermediate moves to fire dragover),
    // onto the lower edge of the widget just above, which is on screen with the handle.
    await page.getByTestId('drag-heatmap').scrollIntoViewIfNeeded();
    await page.getByTestId('drag-heatmap').hover();
    await page.mouse.down();
    const target = (await page.locator('[data-widget="performers"]').boundingBox())!;
    await page.mouse.move(target.x + target.width / 2, target.y + target.height - 60, { steps: 10 });
    await page.mouse.move(target.x + target.width / 2, target.y + target.height - 40, { steps: 5 });
    await page.mouse.up();
    const arranged = ['trends', 'kpis', 'recommendations', 'channels', 'heatmap', 'performers'];
    expect(await widgetOrder(page)).toEqual(arranged);
    await page.getByText('Saving layout…').waitFor({ state: 'detached' });
    await page.getByTestId('edit-layout').click();
    await page.reload();
    await kpi(page, 'revenue').waitFor();
    await expect.poll(() => widgetOrder(page)).toEqual(arranged);
  });

  it('the dashboard holds still while its charts draw: from the first KPI figure on, the Revenue card and every chart widget keep their place and size', async () => {
    // The manager has the default layout (the analyst rearranges hers above): KPI cards on top.
    const page = await openAs('manager', '/analytics');
    await kpi(page, 'revenue').waitFor();
    // Every frame from the one where the Revenue figure first shows until both charts with data are
    // drawn (and a few frames more, for anything a chart resizes after drawing): where each box is.
    // (Plain text, not a function: what the test runner's transform adds to functions is not in the page.)
    await page.context().addInitScript(`(() => {
      window.__frames = [];
      const box = (sel) => {
        const r = document.querySelector(sel)?.getBoundingClientRect();
        return r ? [r.x, r.y, r.width, r.height].map(Math.round).join(',') : 'absent';
      };
      const drawn = () => ['trends', 'channels'].filter((id) => document.querySelector('[data-widget="' + id + '"] svg.apexcharts-svg .apexcharts-series'));
      let after = 0;
      const tick = () => {
        if ((document.querySelector('[data-testid="kpi-revenue"] [data-testid="kpi-value"]')?.textContent ?? '').trim()) {
          const frame = { revenue: box('[data-testid="kpi-revenue"]'), trends: box('[data-widget="trends"]'), channels: box('[data-widget="channels"]'), heatmap: box('[data-widget="heatmap"]'), drawn: drawn() };
          window.__frames.push(frame);
          if (frame.drawn.length === 2 && ++after > 10) {
            window.__still = true;
            return;
          }
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })();`);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __still?: boolean }).__still === true);
    const frames = await page.evaluate(() => (window as unknown as { __frames: { revenue: string; trends: string; channels: string; heatmap: string; drawn: string[] }[] }).__frames);
    // The figures were on screen before any chart was drawn, so the frames cover the charts' drawing.
    expect(frames[0]!.drawn).toEqual([]);
    expect(await kpi(page, 'revenue').innerText()).toBe('$18,200.00');
    for (const key of ['revenue', 'trends', 'channels', 'heatmap'] as const) {
      const moved = frames.map((f, i) => `${i}: ${f[key]}`).filter((_, i) => frames[i]![key] !== frames[0]![key]);
      expect({ [key]: frames[0]![key], moved }).toEqual({ [key]: frames[0]![key], moved: [] });
    }
  });

  it("drills from revenue to a campaign to its conversions, with seed 003's figures exactly", async () => {
    const page = await openAs('analyst', '/analytics?preset=30d&channel=sms');
    await kpi(page, 'revenue').waitFor();
    await expect.poll(() => kpi(page, 'revenue').innerText()).toBe('$18,000.00');
    await page.getByTestId('kpi-revenue').click();
    await page.waitForURL(/\/analytics\/campaigns\?.*sort=revenue/);
    // The filters travelled with the drill-down: only the SMS campaign is listed.
    expect(new URL(page.url()).searchParams.get('channel')).toBe('sms');
    await page.getByTestId(`campaign-card-${ids.smsCode}`).getByRole('link', { name: 'January SMS Blast' }).click();
    await page.waitForURL(new RegExp(`/analytics/campaigns/${ids.sms}`));
    const key = (k: string) => page.locator(`[data-testid="key-${k}"] [data-testid="key-value"]`).innerText();
    await expect.poll(() => key('conversion-rate')).toBe('10.0\u00a0%');
    expect(await key('cpl')).toBe('$41.67');
    expect(await key('roi')).toBe('260.0\u00a0%');
    const table = (await page.getByTestId('financial-table').innerText()).replace(/\s+/g, ' ');
    expect(table).toContain('Profit margin 72.2 %');
    expect(table).toContain('Net profit $13,000.00');
    expect(await page.getByTestId('profitability').innerText()).toContain('Profitable');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pdf-report').click()]);
    expect(pdf.suggestedFilename()).toBe(`${ids.smsCode}-report.pdf`);
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await axe(page, 'campaign performance');
    await shots(page, 'campaign-performance');

    await page.getByTestId('tab-funnel').click();
    await page.getByTestId('target-roi').waitFor();
    expect((await page.getByTestId('target-leads').innerText()).replace(/\s+/g, ' ')).toContain('120 of 150 — 80.0 % achieved');
    await axe(page, 'campaign funnel');
    await shots(page, 'campaign-funnel');

    await page.getByTestId('tab-conversions').click();
    await page.waitForURL(/tab=conversions/);
    expect((await page.getByTestId('conversion-summary').innerText()).replace(/\s+/g, ' ')).toContain('12 conversions from 120 leads (10.0 %)');
    expect(await page.getByTestId('conversions-by-day').locator('tbody tr').count()).toBe(3);
  });

  it('shows a conversion posted through the API on the open dashboard without a reload', async () => {
    const page = await openAs('analyst', '/analytics');
    await expect.poll(() => kpi(page, 'conversions').innerText()).toBe('14');
    const marker = await page.evaluate(() => ((globalThis as { __kept?: number }).__kept = 42));
    const res = await manager.post('/api/conversions', { externalId: `live-${Date.now()}`, type: 'sale', value: '250.00', utmCampaign: ids.smsCode });
    expect(res.status).toBe(201);
    await expect.poll(() => kpi(page, 'conversions').innerText(), { timeout: 45_000, interval: 500 }).toBe('15');
    expect(await kpi(page, 'revenue').innerText()).toBe('$18,450.00');
    expect(await page.getByTestId('updated-ago').innerText()).toMatch(/Updated \d+ s ago/);
    // Same document: nothing reloaded.
    expect(await page.evaluate(() => (globalThis as { __kept?: number }).__kept)).toBe(marker);
  });

  it('exports the campaign table on screen as CSV', async () => {
    const page = await openAs('analyst', '/analytics/campaigns');
    await page.getByTestId(`campaign-card-${ids.smsCode}`).waitFor();
    const onScreen = await page.locator('[data-testid^="campaign-card-"] h3').allInnerTexts();
    await axe(page, 'campaign overview');
    await shots(page, 'campaign-overview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-campaigns').click()]);
    expect(download.suggestedFilename()).toMatch(/^herald-campaigns-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    for (const name of onScreen) expect(csv).toContain(name.trim());
    expect(csv.split('\n').filter((l) => l.trim()).length).toBe(onScreen.length + 1);
  });

  it('channels say where to move budget; a comparison ranks the picked campaigns; leaderboards list every breakdown', async () => {
    const page = await openAs('manager', '/analytics/channels');
    await page.getByTestId('reallocation').waitFor();
    expect((await page.getByTestId('reallocation').innerText()).replace(/\s+/g, ' ')).toContain('Move budget from Email to SMS');
    await axe(page, 'channels');
    await shots(page, 'channels');

    await page.goto(`${herald.baseUrl}/analytics/compare?campaign=${ids.sms},${ids.email}`);
    const table = page.getByTestId('comparison');
    await table.waitFor();
    const text = (await table.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Rank by ROI 1 2');
    expect(text).toContain('Rank by conversion rate 1 2');
    expect(text).toMatch(/ROI \d[\d.,]* % −50\.0 %/);
    await axe(page, 'compare');
    await shots(page, 'compare');

    await page.goto(`${herald.baseUrl}/analytics/leaderboards`);
    await page.getByTestId('leaderboard-team').waitFor();
    await axe(page, 'leaderboards');
    await shots(page, 'leaderboards');
  });

  it("a manager imports a tracked-only campaign's daily figures after previewing what they replace", async () => {
    const ads = await campaign('Paid search', 'paid_ads', '3000', [0, 0, '0']);
    const page = await openAs('manager', `/analytics/campaigns/${ads.id}?tab=figures`);
    await page.getByTestId('save-day').waitFor();
    await page.getByLabel('Day', { exact: true }).fill(dayAgo(4));
    await page.getByLabel('Leads', { exact: true }).fill('30');
    await page.getByLabel('Spend', { exact: true }).fill('1000.00');
    await page.getByTestId('save-day').click();
    await expect.poll(async () => (await page.getByTestId('metrics-report').innerText()).replace(/\s+/g, ' ')).toContain('Saved: 1 new, 0 replaced');
    await expect.poll(() => page.locator('[data-testid="key-leads"] [data-testid="key-value"]').innerText()).toBe('30');

    const file = `day,channel,leads,conversions,revenue,spend\n${dayAgo(4)},paid_ads,40,4,6000.00,2000.00\n${dayAgo(3)},paid_ads,50,5,7500.00,2000.00\n`;
    await page.getByTestId('metrics-csv').locator('input[type=file]').setInputFiles({ name: 'ads.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    const report = page.getByTestId('metrics-report');
    await expect.poll(async () => (await report.innerText()).replace(/\s+/g, ' ')).toContain('Preview of ads.csv: 1 new, 1 replaced, 0 unchanged.');
    // The day already entered shows its old figures beside the new ones; nothing is saved yet.
    expect((await report.locator('tbody tr').first().innerText()).replace(/\s+/g, ' ')).toContain('30 → 40');
    expect(await page.locator('[data-testid="key-leads"] [data-testid="key-value"]').innerText()).toBe('30');
    await axe(page, 'tracked figures preview');
    await page.getByTestId('apply-import').click();
    await expect.poll(() => page.locator('[data-testid="key-leads"] [data-testid="key-value"]').innerText()).toBe('90');
    expect(await page.locator('[data-testid="key-roi"] [data-testid="key-value"]').innerText()).toBe('237.5\u00a0%');

    // A bad line refuses the file and says which line and column.
    await page.getByTestId('metrics-csv').locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`day,leads\n${dayAgo(2)},many\n`) });
    await expect.poll(async () => (await page.getByTestId('metrics-issues').innerText())).toContain('line 2');
    // The browser logs that refusal; it is the one this step asked for.
    const errors = web.errors(page);
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('status of 422')));
  });

  it('a viewer sees the figures but no export of any kind', async () => {
    const page = await openAs('viewer', '/analytics');
    await expect.poll(() => kpi(page, 'revenue').innerText()).toMatch(/^\$\d/);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByText('Analytics').count()).toBe(1);
    expect(await page.locator('[data-testid^="export-"]').count()).toBe(0);
    await page.goto(`${herald.baseUrl}/analytics/campaigns/${ids.sms}`);
    await page.locator('[data-testid="key-roi"]').waitFor();
    expect(await page.getByTestId('pdf-report').count()).toBe(0);
    expect(await page.locator('[data-testid^="export-"]').count()).toBe(0);
    await page.goto(`${herald.baseUrl}/analytics/leaderboards`);
    await page.getByTestId('leaderboard-region').waitFor();
    expect(await page.locator('[data-testid^="export-"]').count()).toBe(0);
    expect(await page.getByText('Retailer names are masked for your role.').count()).toBe(1);
  });
});
