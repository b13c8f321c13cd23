/// <reference lib="dom" />
/**
 * `npm run bench:analytics-console [-- --events 10000000 --campaigns 1000 --runs 5 --skip-build --keep-db <dir>]`
 * (run it as `flock /tmp/herald-bench.lock npm run bench:analytics-console`: never two benchmarks at once)
 * `--keep-db <dir>` keeps the database in `<dir>` after the run and reuses it in the next run with the
 * same `--events` and `--campaigns` on the same day (the data ends today), instead of generating the
 * data again (about 3.5 minutes at 10 M events); anything else found there is replaced.
 * `--compare a=<dir>` also measures another build of the console (`npx vite build --config
 * console/vite.config.ts --outDir <dir>`, e.g. of the commit before a change) in the same run, its
 * runs taking turns with this checkout's: an A/B comparison on the same data, stack and browser.
 *
 * The analytics dashboard's time to interactive after sign-in (issue 9: "the dashboard of a company
 * with 1 000 campaigns and 10 M events is interactive in under 1 s after sign-in on this machine (it
 * reads rollups, never raw events)"), in Debian's Chromium driven by playwright-core, against the
 * real API process on the embedded stack (scripts/lib/api-stack.ts) serving the console built from
 * this checkout:
 *   dashboard  an analyst of a company with `--events` message events over `--campaigns` campaigns
 *              (bench/analytics-data.ts, the data set of bench:analytics: written into the real fact
 *              tables, the rollups built by the real triggers; the generation time is printed) signs
 *              in and lands on /analytics. The data is dated so that it ends today: it spans the
 *              last 105 days, so the dashboard's default period (the last 30 days) and the previous
 *              30 days it is compared with are both full.
 *   baseline   the same dashboard, same sign-in, for an analyst of a company with no campaign and no
 *              event: everything but the data and the charts (shell, route chunks, session, layout,
 *              the five analytics calls over empty rollups; it draws no chart, so it never loads
 *              ApexCharts' chunk)
 * Each run is a fresh browser context (cold cache, no session), the two interleaved, after one
 * uncounted warm-up of each. Measured in the page, from the click on "Sign in" (a capture listener
 * installed before the page loads), what "interactive" means here:
 *   KPIs       the KPI cards show their figures (MutationObserver: the "Messages sent" card has a value)
 *   chart      the first chart widget, "Trends over time", is drawn: ApexCharts' SVG holds its series
 *              (the baseline has nothing to draw: its empty-state sentence instead of "Loading…")
 *   clickable  the "Revenue" KPI card's drill-down link (to the campaigns behind the figure) passes
 *              Playwright's actionability checks (visible, stable, enabled, receives the click); the
 *              time is read in the page right after, so it is late by one round trip to the browser
 *   interactive  the latest of KPIs, chart and clickable: the figure the issue's "under 1 s" is about
 *   all widgets  every widget shows its content: the three charts drawn (or their empty state), the
 *              performers and recommendations lists loaded (reported, not part of "interactive")
 *   API        the slowest of the dashboard's five analytics calls (summary, timeseries, channels,
 *              rankings, heatmap; they run in parallel), the browser's own timing (Resource Timing)
 * Verified before any figure is printed, in every run: the KPI cards "Active campaigns", "Messages
 * sent", "Leads", "Conversions" and "Revenue" show what a plain GROUP BY over the fact tables
 * (db/repositories/analytics-raw.ts, never the rollups) gives for the period on screen; the
 * baseline shows zeros and its empty charts. Prints min and median per figure, CPU seconds per
 * process over the measured runs, and the JavaScript the dashboard loads (gzipped sizes of the files
 * in console/dist/assets: what the browser fetched before and after the sign-in click), with each
 * analytics route's own chunks (static import closure of the route's chunk outside the entry, and the
 * chunks it imports lazily, i.e. ApexCharts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { rawFacts } from '../db/repositories/analytics-raw.ts';
import { hashPassword } from '../domain/password.ts';
import { startApiStack, type ApiStack } from './lib/api-stack.ts';
import { CONSOLE_DIST } from './lib/defaults.ts';
import { generate, messagesPerCampaign } from './bench/analytics-data.ts';
import { buildConsole, interleaved, launchChromium, median, say, signedIn, signInProbe, timingRow } from './bench/browser-timing.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    campaigns: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    /** Use console/dist as it is instead of building this checkout's console first. */
    'skip-build': { type: 'boolean', default: false },
    /** Print, for each dashboard run, what moved the Revenue card and what held the main thread (layout shifts, long tasks). */
    trace: { type: 'boolean', default: false },
    /**
     * `name=dir[,name=dir…]`: other builds of the console (`vite build --outDir dir`) measured in the
     * same run as this checkout's, the dashboard and its baseline of each in turn (an A/B comparison).
     */
    compare: { type: 'string' },
    /** Keep the generated database in this folder and reuse it when it holds the same data set. */
    'keep-db': { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const CAMPAIGNS = Number(values.campaigns);
const RUNS = Math.max(2, Number(values.runs));
const PASSWORD = 'bench-analytics-console-password';
const ANALYST = 'analyst@bench.example';
const EMPTY_ANALYST = 'analyst@bench-empty.example';
const DAY = 86_400_000;
const ASSETS = join(CONSOLE_DIST, 'assets');
const TRACE = values.trace;
const KEEP = values['keep-db'] ? resolve(values['keep-db']) : undefined;

/** A console build to measure: this checkout's (`this`) or one given by --compare. */
interface Variant {
  name: string;
  html: string;
}

/**
 * This checkout's build and the --compare builds, served from console/dist: their hashed assets side
 * by side (each build's index.html names its own), `index.html` swapped before each run (the API
 * reads it from disk on every request). Returns the variants and a function restoring this build.
 */
function variantsOf(spec: string | undefined): { variants: Variant[]; use: (v: Variant) => void; restore: () => void } {
  const index = join(CONSOLE_DIST, 'index.html');
  const variants: Variant[] = [{ name: 'this', html: readFileSync(index, 'utf8') }];
  const added: string[] = [];
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name, dir] = part.split('=');
    if (!name || !dir || !existsSync(join(dir, 'index.html'))) throw new Error(`--compare ${part}: expected name=<a console build folder with index.html>`);
    for (const f of readdirSync(join(dir, 'assets'))) {
      if (existsSync(join(ASSETS, f))) continue;
      writeFileSync(join(ASSETS, f), readFileSync(join(dir, 'assets', f)));
      added.push(f);
    }
    variants.push({ name, html: readFileSync(join(dir, 'index.html'), 'utf8') });
  }
  const use = (v: Variant) => writeFileSync(index, v.html);
  return {
    variants,
    use,
    restore: () => {
      use(variants[0]!);
      for (const f of added) rmSync(join(ASSETS, f), { force: true });
    },
  };
}

/** What a kept database holds, written once its data is complete. */
interface KeptData {
  events: number;
  campaigns: number;
  start: string;
  companyId: string;
  emptyId: string;
}
const keptFile = (dir: string) => join(dir, 'bench-analytics-console.json');

/** The kept database's data set if it is the one asked for; otherwise the folder is emptied for a new one. */
function kept(dir: string, want: Omit<KeptData, 'companyId' | 'emptyId'>): KeptData | undefined {
  const file = keptFile(dir);
  const found = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KeptData) : undefined;
  if (found && found.events === want.events && found.campaigns === want.campaigns && found.start === want.start) return found;
  // Only ever empty a folder this script made (the stack's pg/ and data/, our note), never a stranger's.
  const strange = existsSync(dir) ? readdirSync(dir).filter((f) => !['pg', 'data', 'bench-analytics-console.json'].includes(f)) : [];
  if (strange.length) throw new Error(`--keep-db ${dir} holds other files (${strange.slice(0, 3).join(', ')}): give an empty or a kept folder`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return undefined;
}

const fmtN = (n: number) => n.toLocaleString('en');
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** With --trace: layout shifts, long tasks and each move of the Revenue card after the sign-in click, in `__trace` (it reads the card's box every frame, so figures of a traced run are not the ones to quote). */
const TRACE_PROBE = `w.__trace = [];
  const rel = (t) => Math.round(t - (w.__signInAt ?? t));
  const name = (n) => !n || !n.closest ? String(n && n.nodeName) : (n.closest('[data-widget]')?.getAttribute('data-widget') || '') + ':' + n.nodeName.toLowerCase() + (n.className && typeof n.className === 'string' ? '.' + n.className.split(' ')[0] : '');
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (w.__signInAt !== undefined) w.__trace.push(rel(e.startTime) + ' ms layout shift ' + e.value.toFixed(4) + ': ' + (e.sources || []).map((s) => name(s.node) + ' y ' + s.previousRect.y + '→' + s.currentRect.y + ' h ' + s.previousRect.height + '→' + s.currentRect.height).join(', ')); }).observe({ type: 'layout-shift' });
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (w.__signInAt !== undefined) w.__trace.push(rel(e.startTime) + ' ms long task ' + Math.round(e.duration) + ' ms'); }).observe({ type: 'longtask' });
  } catch (e) { w.__trace.push('no observer: ' + e); }
  let lastRect = '';
  const frame = () => {
    if (w.__signInAt !== undefined && w.__allAt === undefined) {
      const el = document.querySelector('[data-testid="kpi-revenue"]');
      const r = el ? el.getBoundingClientRect() : null;
      const text = r ? Math.round(r.x) + ',' + Math.round(r.y) + ' ' + Math.round(r.width) + '×' + Math.round(r.height) : 'absent';
      if (text !== lastRect) w.__trace.push(rel(performance.now()) + ' ms Revenue card ' + text + ' (page ' + document.documentElement.scrollHeight + ' px tall, ' + document.documentElement.clientWidth + ' px wide)');
      lastRect = text;
    }
    if (w.__allAt === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

/**
 * Installed before any page script: the sign-in click's time, and when the KPI figures, the first
 * chart and every widget first show their content.
 */
const PROBE = signInProbe(`${values.trace ? TRACE_PROBE : ''}const drawn = (id) => {
    const el = document.querySelector('[data-widget="' + id + '"]');
    if (!el) return false;
    if (el.querySelector('svg.apexcharts-svg .apexcharts-series')) return true;
    const empty = el.querySelector('[data-testid="chart-empty"]');
    return !!empty && !/Loading/.test(empty.textContent || '');
  };
  const listed = (id) => {
    const el = document.querySelector('[data-widget="' + id + '"]');
    return !!el && !/Loading…/.test(el.textContent || '');
  };
  const check = () => {
    if (w.__signInAt === undefined || w.__allAt !== undefined) return;
    const now = performance.now();
    if (w.__kpisAt === undefined) {
      const v = document.querySelector('[data-testid="kpi-sent"] [data-testid="kpi-value"]');
      if (v && (v.textContent || '').trim()) w.__kpisAt = now;
    }
    if (w.__chartAt === undefined && drawn('trends')) w.__chartAt = now;
    if (w.__kpisAt !== undefined && w.__chartAt !== undefined && ['channels', 'heatmap'].every(drawn) && ['performers', 'recommendations'].every(listed)) w.__allAt = now;
  };`);

/** What the KPI cards must show for the period on screen (from the facts, not the rollups). */
interface Expected {
  active: number;
  sent: number;
  leads: number;
  conversions: number;
  revenueCents: bigint;
  /** The first chart has something to draw. */
  chart: boolean;
}

interface Sample {
  kpis: number;
  chart: number;
  /** The Revenue card's drill-down link passed the actionability checks (read in the page right after). */
  clickable: number;
  /** The latest of kpis, chart and clickable. */
  interactive: number;
  all: number;
  api: number;
  /** JavaScript files fetched before and after the sign-in click. */
  jsBefore: string[];
  jsAfter: string[];
}

async function measure(browser: Browser, base: string, email: string, expected: Expected): Promise<Sample> {
  return signedIn(browser, { base, email, password: PASSWORD, next: '/analytics', probe: PROBE, context: { locale: 'en-US', timezoneId: 'UTC' } }, async (page) => {
    // Both at once, so that neither waits for the other's round trips to the browser: the drill-down
    // link's actionability (then its time is read in the page at once) and the first chart.
    const sinceSignIn = () => page.evaluate(() => performance.now() - (window as unknown as { __signInAt: number }).__signInAt);
    const revenue = page.getByTestId('kpi-revenue');
    const trends = page.locator('[data-widget="trends"]');
    const [clickable] = await Promise.all([
      revenue.click({ trial: true, timeout: 30_000 }).then(sinceSignIn),
      expected.chart
        ? trends.locator('svg.apexcharts-svg .apexcharts-series').first().waitFor({ state: 'attached', timeout: 30_000 })
        : trends.getByText('No leads, conversions or revenue in this period.').waitFor({ timeout: 30_000 }),
    ]);
    await page.waitForFunction(() => (window as unknown as { __allAt?: number }).__allAt !== undefined, undefined, { timeout: 30_000 });
    const probe = await page.evaluate(() => {
      const w = window as unknown as { __signInAt?: number; __kpisAt?: number; __chartAt?: number; __allAt?: number };
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const calls = entries.filter((e) => /\/api\/analytics\/(summary|timeseries|channels|rankings|heatmap)\?/.test(e.name));
      const js = entries.filter((e) => /\.js(\?|$)/.test(new URL(e.name).pathname));
      return {
        signInAt: w.__signInAt,
        kpisAt: w.__kpisAt,
        chartAt: w.__chartAt,
        allAt: w.__allAt,
        calls: calls.length,
        api: Math.max(0, ...calls.map((c) => c.duration)),
        jsBefore: js.filter((e) => e.startTime < (w.__signInAt ?? 0)).map((e) => e.name),
        jsAfter: js.filter((e) => e.startTime >= (w.__signInAt ?? 0)).map((e) => e.name),
      };
    });
    if (TRACE && expected.chart) {
      const lines = await page.evaluate(() => (window as unknown as { __trace: string[] }).__trace);
      say(`trace of a dashboard run (clickable at ${clickable.toFixed(0)} ms, KPIs ${(probe.kpisAt! - probe.signInAt!).toFixed(0)} ms, chart ${(probe.chartAt! - probe.signInAt!).toFixed(0)} ms):`);
      for (const l of lines) say(`    ${l}`);
    }
    const missing = probe.signInAt === undefined ? 'sign-in click' : probe.kpisAt === undefined ? 'KPI figures' : probe.chartAt === undefined ? 'drawn chart' : probe.allAt === undefined ? 'complete dashboard' : null;
    if (missing) throw new Error(`${email}: the page's probe saw no ${missing}`);
    if (probe.calls < 5) throw new Error(`${email}: the browser timed ${probe.calls} of the dashboard's 5 analytics calls`);

    // What a user sees must be right, or the figure means nothing.
    const href = await revenue.getAttribute('href');
    if (!href?.startsWith('/analytics/campaigns')) throw new Error(`${email}: the Revenue card links to ${href}, not to the campaigns behind it`);
    const shown = async (key: string) => (await page.getByTestId(`kpi-${key}`).getByTestId('kpi-value').innerText()).trim();
    const digits = (s: string) => BigInt(s.replace(/\D/g, '') || 'NaN');
    const checks: [string, string, bigint][] = [
      ['activeCampaigns', await shown('activeCampaigns'), BigInt(expected.active)],
      ['sent', await shown('sent'), BigInt(expected.sent)],
      ['leads', await shown('leads'), BigInt(expected.leads)],
      ['conversions', await shown('conversions'), BigInt(expected.conversions)],
      ['revenue', await shown('revenue'), expected.revenueCents],
    ];
    for (const [key, text, want] of checks) {
      if (digits(text) !== want) throw new Error(`${email}: the ${key} card shows "${text}", the facts say ${want}${key === 'revenue' ? ' cents' : ''}`);
    }
    return {
      kpis: probe.kpisAt! - probe.signInAt!,
      chart: probe.chartAt! - probe.signInAt!,
      clickable,
      interactive: Math.max(clickable, probe.kpisAt! - probe.signInAt!, probe.chartAt! - probe.signInAt!),
      all: probe.allAt! - probe.signInAt!,
      api: probe.api,
      jsBefore: probe.jsBefore,
      jsAfter: probe.jsAfter,
    };
  });
}

/** The KPI figures of the dashboard's default period (the last 30 days, company time zone UTC) from the facts. */
async function expectedOf(stack: ApiStack, companyId: string, from: string, to: string): Promise<Expected> {
  // The raw query finds each recipient's first open and click with `id in (select …)`: with the
  // default work_mem that set (millions of ids at 10 M events) is not hashed and the query runs for
  // many minutes; 1 GB lets PostgreSQL hash it.
  const rows = await stack.orm.em.getKnex().transaction(async (trx) => {
    await trx.raw(`set local work_mem = '1GB'`);
    return rawFacts(trx, { companyId, from, to }, ['campaign']);
  });
  const money4 = (s: string) => {
    const [int, frac = ''] = s.split('.');
    return BigInt(int!) * 10_000n + BigInt((frac + '0000').slice(0, 4)) * (int!.startsWith('-') ? -1n : 1n);
  };
  const revenue4 = rows.reduce((a, r) => a + money4(r.revenue), 0n);
  const sum = (k: 'sent' | 'leads' | 'conversions') => rows.reduce((a, r) => a + r[k], 0);
  return {
    active: rows.length,
    sent: sum('sent'),
    leads: sum('leads'),
    conversions: sum('conversions'),
    revenueCents: (revenue4 + 50n) / 100n,
    chart: sum('leads') + sum('conversions') > 0,
  };
}

/** Static imports of a built chunk (`import … from"./x.js"`, `import"./x.js"`) and its lazy ones (`import(\`./x.js\`)`). */
function importsOf(file: string): { statics: string[]; lazy: string[] } {
  const text = readFileSync(join(ASSETS, file), 'utf8');
  const statics = [...text.matchAll(/(?:from|import)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)].map((m) => m[1]!);
  const lazy = [...text.matchAll(/import\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)].map((m) => m[1]!);
  return { statics: [...new Set(statics)], lazy: [...new Set(lazy)] };
}

function closureOf(roots: string[], exclude: Set<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || exclude.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f).statics);
  }
  return seen;
}

const gzSizes = new Map<string, { raw: number; gz: number }>();
function sizeOf(file: string): { raw: number; gz: number } {
  let s = gzSizes.get(file);
  if (!s) {
    const buf = readFileSync(join(ASSETS, file));
    s = { raw: buf.length, gz: gzipSync(buf, { level: 9 }).length };
    gzSizes.set(file, s);
  }
  return s;
}
const total = (files: Iterable<string>) => [...files].reduce((a, f) => ({ raw: a.raw + sizeOf(f).raw, gz: a.gz + sizeOf(f).gz }), { raw: 0, gz: 0 });
const sized = (s: { raw: number; gz: number }) => `${kb(s.gz).padStart(9)} gzipped (${kb(s.raw)})`;

function printBundles(sample: Sample): void {
  const name = (url: string) => new URL(url).pathname.replace(/^\/assets\//, '');
  const before = [...new Set(sample.jsBefore.map(name))].sort();
  const after = [...new Set(sample.jsAfter.map(name))].sort();
  say('');
  say('JavaScript the dashboard loads (files in console/dist/assets, gzip -9), as fetched by Chromium in a fresh context:');
  say(`  before the sign-in click (shell and sign-in page): ${before.length} files, ${sized(total(before)).trim()}`);
  say(`  after it (the dashboard route):                     ${after.length} files, ${sized(total(after)).trim()}`);
  for (const f of after) say(`    ${f.padEnd(48)} ${sized(sizeOf(f))}`);

  // Each analytics route's own chunks: the route chunk's static closure outside the entry's, and what it imports lazily.
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/\/assets\/([\w.-]+\.js)"/g)].map((m) => m[1]!);
  const shell = closureOf(entry, new Set());
  const files = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
  const routes = files.filter((f) => /^(Analytics\w*Page|CampaignPerformancePage)-[\w-]+\.js$/.test(f)).sort();
  say(`analytics routes (entry and its static imports: ${shell.size} files, ${sized(total(shell)).trim()}, shared by every page):`);
  say(`  ${'route chunk'.padEnd(40)} ${'own chunk'.padStart(10)} ${'+ static deps'.padStart(14)} ${'+ lazy (charts)'.padStart(16)} ${'route total'.padStart(12)}   (gzipped)`);
  for (const r of routes) {
    const own = closureOf([r], shell);
    const lazyRoots = [...own].flatMap((f) => importsOf(f).lazy);
    const lazy = closureOf(lazyRoots, new Set([...shell, ...own]));
    const deps = [...own].filter((f) => f !== r);
    const all = total([...own, ...lazy]);
    say(`  ${r.padEnd(40)} ${kb(sizeOf(r).gz).padStart(10)} ${kb(total(deps).gz).padStart(14)} ${kb(total(lazy).gz).padStart(16)} ${kb(all.gz).padStart(12)}`);
  }
}

let stack: ApiStack | undefined;
let browser: Browser | undefined;
let restoreDist = () => {};
try {
  buildConsole(values['skip-build']);
  const hash = await hashPassword(PASSWORD);
  // The data ends today: campaign i starts (start + i mod 90 days) and its events fall in its 14 days.
  const now = Date.now();
  const start = isoDay(now - 105 * DAY);
  const to = isoDay(now);
  const from = isoDay(now - 29 * DAY);
  let companyId = '';
  let emptyId = '';
  let genSeconds = 0;
  const reuse = KEEP ? kept(KEEP, { events: EVENTS, campaigns: CAMPAIGNS, start }) : undefined;
  if (reuse) say(`reusing the database kept in ${KEEP} (generated for ${start} – ${to})`);
  stack = await startApiStack({
    name: 'bench-analytics-console',
    ...(KEEP ? { dir: KEEP } : {}),
    log: (l) => say(`  ${l}`),
    prepare: async (orm) => {
      if (reuse) {
        ({ companyId, emptyId } = reuse);
        return;
      }
      const db = new pg.Client({ connectionString: orm.config.get('clientUrl') });
      await db.connect();
      try {
        say(`generating ${fmtN(messagesPerCampaign(EVENTS, CAMPAIGNS) * 5 * CAMPAIGNS)} events over ${fmtN(CAMPAIGNS)} campaigns from ${start}, rollups built by the fact tables' triggers:`);
        const t0 = performance.now();
        companyId = (await generate(db, { events: EVENTS, campaigns: CAMPAIGNS, start, log: say })).companyId;
        genSeconds = (performance.now() - t0) / 1000;
        // The generated users cannot sign in (hash 'x'): an analyst who can, in each company.
        await db.query(`insert into users (company_id, email, name, password_hash, role) values ($1, $2, 'Bench Analyst', $3, 'analyst')`, [companyId, ANALYST, hash]);
        emptyId = (await db.query(`insert into companies (name, slug, time_zone, channel_costs) values ('Bench empty', 'bench-empty', 'UTC', '{"email":"0.001"}') returning id`)).rows[0].id as string;
        await db.query(`insert into users (company_id, email, name, password_hash, role) values ($1, $2, 'Empty Analyst', $3, 'analyst')`, [emptyId, EMPTY_ANALYST, hash]);
        if (KEEP) writeFileSync(keptFile(KEEP), JSON.stringify({ events: EVENTS, campaigns: CAMPAIGNS, start, companyId, emptyId } satisfies KeptData));
      } finally {
        await db.end();
      }
    },
  });
  const s = stack;
  const knex = s.orm.em.getKnex();
  const counted = await knex.raw<{ rows: { events: string; campaigns: string; rollups: string }[] }>(
    `select (select count(*) from message_events where company_id = ?) as events, (select count(*) from campaigns where company_id = ?) as campaigns,
            (select count(*) from campaign_performance_metrics where company_id = ?) as rollups`,
    [companyId, companyId, companyId],
  );
  const c = counted.rows[0]!;
  if (Number(c.campaigns) !== CAMPAIGNS) throw new Error(`the database holds ${c.campaigns} campaigns, expected ${CAMPAIGNS}`);
  say(
    reuse
      ? `kept data: ${fmtN(Number(c.events))} events over ${fmtN(Number(c.campaigns))} campaigns; ${fmtN(Number(c.rollups))} campaign × channel × variant × day rollup rows`
      : `generation: ${fmtN(Number(c.events))} events over ${fmtN(Number(c.campaigns))} campaigns in ${genSeconds.toFixed(0)} s (${fmtN(Math.round(Number(c.events) / genSeconds))} events/s with their rollups); ${fmtN(Number(c.rollups))} campaign × channel × variant × day rollup rows`,
  );
  const t0 = performance.now();
  const expected = await expectedOf(s, companyId, from, to);
  const empty = await expectedOf(s, emptyId, from, to);
  say(`expected on the dashboard for ${from} – ${to} (plain GROUP BY over the facts, ${((performance.now() - t0) / 1000).toFixed(1)} s): ${fmtN(expected.active)} active campaigns, ${fmtN(expected.sent)} sent, ${fmtN(expected.leads)} leads, ${fmtN(expected.conversions)} conversions, revenue ${(Number(expected.revenueCents) / 100).toFixed(2)} USD`);
  if (empty.active !== 0 || empty.sent !== 0 || empty.chart) throw new Error('the empty company has facts');
  if (!expected.chart || expected.sent === 0) throw new Error(`the company has nothing in the dashboard's period ${from} – ${to}`);

  browser = await launchChromium();
  const b = browser;
  const { variants, use, restore } = variantsOf(values.compare);
  restoreDist = restore;
  let turn = 0;
  let current = variants[0]!;
  // With --compare, each (dashboard, baseline) pair is of one build, the builds taking turns.
  const runs = await interleaved(
    s,
    RUNS * variants.length,
    async () => {
      current = variants[turn++ % variants.length]!;
      use(current);
      return { ...(await measure(b, s.base, ANALYST, expected)), variant: current.name };
    },
    async () => ({ ...(await measure(b, s.base, EMPTY_ANALYST, empty)), variant: current.name }),
  );
  restore();
  const { warm } = runs;

  const row = timingRow(52);
  /** One line per moment measured, min and median over the runs given. */
  const printTimes = (xs: typeof runs.measured, kpis: string, chart: string) => {
    say(row(kpis, xs.map((x) => x.kpis)));
    say(row(chart, xs.map((x) => x.chart)));
    say(row('Revenue drill-down link actionable', xs.map((x) => x.clickable)));
    say(row('interactive (the latest of the three above)', xs.map((x) => x.interactive)));
    say(row('all six widgets show their content', xs.map((x) => x.all)));
    say(row('slowest of the 5 analytics calls (browser timing)', xs.map((x) => x.api)));
  };
  say('');
  say(`Analytics dashboard, time after the click on "Sign in" (${RUNS} runs each, interleaved, fresh browser context each)`);
  say(`dashboard of a company with ${fmtN(Number(c.events))} events over ${fmtN(CAMPAIGNS)} campaigns, last 30 days (KPIs verified against the facts)`);
  for (const v of variants) {
    const dash = runs.measured.filter((x) => x.variant === v.name);
    const baseline = runs.baseline.filter((x) => x.variant === v.name);
    if (variants.length > 1) say(`${v.name === 'this' ? "this checkout's console" : `console build "${v.name}"`}:`);
    printTimes(dash, 'KPI cards show their figures', 'first chart drawn (Trends over time)');
    say('baseline: the same dashboard for a company with no campaign and no event');
    printTimes(baseline, 'KPI cards show their figures (zeros)', 'first chart widget shows its empty state');
    const ratio = median(dash.map((x) => x.interactive)) / median(baseline.map((x) => x.interactive));
    say(`dashboard interactive / baseline interactive (medians): ${ratio.toFixed(2)}×; goal: interactive under 1 000 ms`);
  }
  say(runs.cpu);
  printBundles(warm);
} catch (err) {
  process.exitCode = 1;
  console.error(err);
} finally {
  restoreDist();
  await browser?.close().catch(() => {});
  await stack?.stop();
}
