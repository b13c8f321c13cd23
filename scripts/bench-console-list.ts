/// <reference lib="dom" />
/**
 * `npm run bench:console-list [-- --campaigns 1000 --runs 5 --skip-build]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:console-list`: never two benchmarks at once)
 *
 * The campaign list's time to interactive after sign-in (issue 7: "a campaign list of 1 000
 * campaigns interactive in under 1 s after sign-in on this machine"), in Debian's Chromium driven by
 * playwright-core, against the real API process on the embedded stack (scripts/lib/api-stack.ts)
 * serving the console built from this checkout:
 *   list       an admin of a company with `--campaigns` campaigns signs in and lands on /campaigns
 *   baseline   the same page, same sign-in, for an admin of a company with no campaign (empty list):
 *              everything but the rows (shell, route chunk, session, the list call itself)
 * Each run is a fresh browser context (cold cache, no session), the two interleaved. Measured in the
 * page, from the click on "Sign in" (a capture listener installed before the page loads):
 *   rendered   the table shows its rows (or the empty state), seen by a MutationObserver
 *   clickable  the first row's link passes Playwright's actionability checks (visible, stable,
 *              enabled, receives the click) — the baseline has no row: its figure is "rendered"
 *   list call  the browser's own timing of GET /api/campaigns (Resource Timing)
 * Verified before any figure is printed: 25 rows, the footer's total equals the database's count,
 * and the baseline shows its empty state. Prints min and median per figure, and CPU seconds per
 * process over all runs.
 */
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../domain/password.ts';
import { startApiStack, type ApiStack } from './lib/api-stack.ts';
import { seedBenchCompany } from './bench/api-seed.ts';
import { buildConsole, interleaved, launchChromium, median, say, signedIn, signInProbe, timingRow } from './bench/browser-timing.ts';

const { values } = parseArgs({
  options: {
    campaigns: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    /** Use console/dist as it is instead of building this checkout's console first. */
    'skip-build': { type: 'boolean', default: false },
  },
});
const CAMPAIGNS = Number(values.campaigns);
const RUNS = Math.max(2, Number(values.runs));
const PASSWORD = 'bench-console-password';
const EMPTY_ADMIN = 'admin@bench-empty.example';

/** Installed before any page script: the sign-in click's time, and when the table first shows content. */
const PROBE = signInProbe(`const check = () => {
    if (w.__signInAt === undefined || w.__renderedAt !== undefined) return;
    const body = document.querySelector('main tbody');
    if (!body) return;
    if (body.querySelector('a[href^="/campaigns/"]') || /No campaign matches/.test(body.textContent || '')) w.__renderedAt = performance.now();
  };`);

interface Sample {
  rendered: number;
  clickable: number | null;
  listCall: number;
}

async function measure(browser: Browser, base: string, email: string, expectRows: number, total: number): Promise<Sample> {
  return signedIn(browser, { base, email, password: PASSWORD, next: '/campaigns', probe: PROBE }, async (page) => {
    const table = page.locator('main table');
    let clickable: number | null = null;
    if (expectRows > 0) {
      const first = table.locator('tbody tr a[href^="/campaigns/"]').first();
      await first.click({ trial: true, timeout: 30_000 });
      clickable = await page.evaluate(() => performance.now() - (window as unknown as { __signInAt: number }).__signInAt);
    } else {
      await table.getByText('No campaign matches').waitFor({ timeout: 30_000 });
    }
    const probe = await page.evaluate(() => {
      const w = window as unknown as { __signInAt?: number; __renderedAt?: number };
      const call = performance.getEntriesByType('resource').find((e) => /\/api\/campaigns\?/.test(e.name));
      return { signInAt: w.__signInAt, renderedAt: w.__renderedAt, listCall: call ? call.duration : null };
    });
    if (probe.signInAt === undefined || probe.renderedAt === undefined || probe.listCall === null) throw new Error(`the page's probe saw no ${probe.signInAt === undefined ? 'sign-in click' : probe.renderedAt === undefined ? 'table content' : 'list call'}`);
    // What a user sees must be right, or the figure means nothing.
    const rows = await table.locator('tbody tr a[href^="/campaigns/"]').count();
    if (rows !== expectRows) throw new Error(`${email}: ${rows} rows shown, expected ${expectRows}`);
    if (expectRows > 0) {
      const footer = await page.locator('main .v-data-table-footer').innerText();
      if (!footer.replace(/[\s,]/g, '').includes(`of${total}`)) throw new Error(`${email}: the footer says "${footer}", the database has ${total} campaigns`);
    }
    return { rendered: probe.renderedAt - probe.signInAt, clickable, listCall: probe.listCall };
  });
}

let stack: ApiStack | undefined;
let browser: Browser | undefined;
try {
  buildConsole(values['skip-build']);
  const hash = await hashPassword(PASSWORD);
  let total = 0;
  stack = await startApiStack({
    name: 'bench-console-list',
    log: (l) => say(`  ${l}`),
    prepare: async (orm) => {
      const company = await seedBenchCompany(orm, { contacts: 1000, campaigns: CAMPAIGNS, passwordHash: hash });
      total = CAMPAIGNS;
      say(`  seeded ${company.campaigns} campaigns (${company.byStatus})`);
      const knex = orm.em.getKnex();
      const empty = await knex.raw<{ rows: { id: string }[] }>(`insert into companies (name, slug, approval_threshold, channel_costs) values ('Bench empty', 'bench-empty', 1000, '{"email":"0.001"}') returning id`);
      await knex.raw(`insert into users (company_id, email, name, password_hash, role) values (?, ?, 'Empty Admin', ?, 'admin')`, [empty.rows[0]!.id, EMPTY_ADMIN, hash]);
    },
  });
  const s = stack;
  const counted = await s.orm.em.getKnex().raw<{ rows: { n: string }[] }>(`select count(*) as n from campaigns c join companies co on co.id = c.company_id where co.slug = 'bench-api'`);
  if (Number(counted.rows[0]!.n) !== total) throw new Error(`the database holds ${counted.rows[0]!.n} campaigns, expected ${total}`);
  browser = await launchChromium();
  const b = browser;
  const runs = await interleaved(
    s,
    RUNS,
    () => measure(b, s.base, 'admin@bench-api.example', 25, total),
    () => measure(b, s.base, EMPTY_ADMIN, 0, 0),
  );
  const list = runs.measured;
  const baseline = runs.baseline;

  const row = timingRow(40);
  say('');
  say(`Campaign list, time after the click on "Sign in" (${RUNS} runs each, interleaved, fresh browser context each)`);
  say(`list of ${total} campaigns (page of 25, verified against the database)`);
  say(row('rendered (rows in the table)', list.map((x) => x.rendered)));
  say(row('interactive (first row clickable)', list.map((x) => x.clickable!)));
  say(row('GET /api/campaigns (browser timing)', list.map((x) => x.listCall)));
  say('baseline: the same page with an empty list');
  say(row('rendered (empty state)', baseline.map((x) => x.rendered)));
  say(row('GET /api/campaigns (browser timing)', baseline.map((x) => x.listCall)));
  const ratio = median(list.map((x) => x.clickable!)) / median(baseline.map((x) => x.rendered));
  say(`list interactive / baseline rendered (medians): ${ratio.toFixed(2)}×; goal: interactive under 1 000 ms`);
  say(runs.cpu);
} catch (err) {
  process.exitCode = 1;
  console.error(err);
} finally {
  await browser?.close().catch(() => {});
  await stack?.stop();
}
