/// <reference lib="dom" />
/**
 * What the console benchmarks (bench:console-list, bench:analytics-console) share: the console build,
 * Debian's Chromium, a page probe timed from the click on "Sign in", a signed-in page in a fresh
 * context, interleaved runs against a baseline, and the figures' and CPU seconds' lines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { ApiStack } from '../lib/api-stack.ts';
import { CONSOLE_DIST } from '../lib/defaults.ts';
import { PROJECT_ROOT } from '../lib/temporal-bin.ts';
import { postgresCpuByKind, treeCpuSeconds } from './proc.ts';

const CHROMIUM = '/usr/bin/chromium';

export const say = (s: string): void => void process.stdout.write(`${s}\n`);
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const ms = (n: number): string => `${n.toFixed(0)} ms`;

/** Builds this checkout's console into console/dist, unless `skip` and a build is already there. */
export function buildConsole(skip: boolean): void {
  if (skip && existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  say('building the console (vite build) …');
  execFileSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * A script installed before any page script: it records the click on "Sign in" as `__signInAt`,
 * then runs `check` (JavaScript text; `w` is the window) on every change of the document.
 */
export function signInProbe(check: string): string {
  return `(() => {
  const w = window;
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (b && /sign in/i.test(b.textContent || '')) w.__signInAt = performance.now();
  }, true);
  ${check}
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();`;
}

/** A fresh context (cold cache, no session) with `probe` installed, signed in through the form; closed after `use`. */
export async function signedIn<T>(
  browser: Browser,
  opts: { base: string; email: string; password: string; next: string; probe: string; context?: BrowserContextOptions },
  use: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...opts.context });
  try {
    await context.addInitScript(opts.probe);
    const page = await context.newPage();
    await page.goto(`${opts.base}/sign-in?next=${opts.next}`);
    await page.getByLabel('Email').fill(opts.email);
    await page.getByLabel('Password').fill(opts.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return await use(page);
  } finally {
    await context.close();
  }
}

/**
 * One uncounted warm-up of each (the API's first queries, Chromium's first renderer), then `runs`
 * of each, interleaved, with the CPU seconds each process spent over the measured runs.
 */
export async function interleaved<A, B>(stack: ApiStack, runs: number, measured: () => Promise<A>, baseline: () => Promise<B>): Promise<{ warm: A; measured: A[]; baseline: B[]; cpu: string }> {
  const warm = await measured();
  await baseline();
  const cpu = () => ({
    api: treeCpuSeconds({ api: stack.apiPid }).api ?? 0,
    postgres: Object.values(postgresCpuByKind(stack.pg.pid)).reduce((a, b) => a + b, 0),
    // This process's tree minus what is accounted above: Chromium (our child) and this script.
    all: treeCpuSeconds({ all: process.pid }).all ?? 0,
    temporal: treeCpuSeconds({ t: stack.temporal.pid }).t ?? 0,
  });
  const before = cpu();
  const a: A[] = [];
  const b: B[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await measured());
    b.push(await baseline());
  }
  const after = cpu();
  const d = (k: keyof typeof before) => after[k] - before[k];
  const others = d('all') - d('api') - d('postgres') - d('temporal');
  return {
    warm,
    measured: a,
    baseline: b,
    cpu: `CPU seconds over the ${runs * 2} measured runs: API ${d('api').toFixed(2)}, PostgreSQL ${d('postgres').toFixed(2)}, Temporal ${d('temporal').toFixed(2)}, Chromium and this script ${others.toFixed(2)}`,
  };
}

/** `name … min … median …`, the label padded to `width`. */
export const timingRow =
  (width: number) =>
  (name: string, xs: number[]): string =>
    `  ${name.padEnd(width)} min ${ms(Math.min(...xs)).padStart(7)}   median ${ms(median(xs)).padStart(7)}`;
