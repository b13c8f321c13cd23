/**
 * `npm start` end to end: embedded PostgreSQL and Temporal, worker, API and sinks come up with no
 * configuration; Ctrl-C (SIGINT to the process group) or SIGTERM leaves no process behind; a second
 * start finds the data of the first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { PROJECT_ROOT } from '../scripts/lib/temporal-bin.ts';
import { freePort } from '../scripts/lib/ports.ts';

const dataDir = mkdtempSync(join(PROJECT_ROOT, '.data', 'launcher-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function ports() {
  return {
    API_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    SINK_SMTP_PORT: String(await freePort()),
    SINK_HTTP_PORT: String(await freePort()),
  };
}

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`launcher exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return Date.now() - start;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'start.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return { child, output: () => out };
}

async function stopAndCheck(child: ChildProcess, how: 'ctrl-c' | 'sigterm') {
  const tree = descendants(child.pid!);
  expect(tree.length).toBeGreaterThanOrEqual(5); // postgres, temporal, sinks, worker, api (and their own children)
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  if (how === 'ctrl-c') process.kill(-child.pid!, 'SIGINT');
  else child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const deadline = Date.now() + 5_000;
  while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(tree.filter(alive)).toEqual([]);
}

describe('npm start', () => {
  it('starts on embedded defaults, stops cleanly and keeps its data across restarts', async () => {
    const env = await ports();
    const api = `http://127.0.0.1:${env.API_PORT}`;

    const first = launch(env);
    const readyMs = await waitReady(api, first.child, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${first.output()}`);
    });
    console.info(`npm start: ready in ${(readyMs / 1000).toFixed(1)} s (first start: initdb, migrations, seeding)`);
    expect(first.output()).toContain('Herald is ready');
    expect(first.output()).toContain('admin@acme.example');

    if (existsSync(join(PROJECT_ROOT, 'console', 'dist', 'index.html'))) {
      const page = await fetch(`${api}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"');
    }
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/namespaces`);
    expect(ui.status).toBe(200);
    expect(JSON.stringify(await ui.json())).toContain('"name":"default"');

    // Leave state in both stores: a running workflow and a row.
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    const client = new Client({ connection });
    const probe = await client.workflow.start('persistenceProbe', { taskQueue: 'nobody-polls-this', workflowId: 'persistence-probe', args: [] });
    await connection.close();
    const db = () => new pg.Client({ connectionString: `postgres://herald:herald@127.0.0.1:${env.EMBEDDED_PG_PORT}/herald` });
    const c1 = db();
    await c1.connect();
    await c1.query(`insert into companies (name, slug) values ('Kept Co', 'kept-co')`);
    await c1.end();

    await stopAndCheck(first.child, 'ctrl-c');

    const second = launch(env);
    await waitReady(api, second.child, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${second.output()}`);
    });
    const c2 = db();
    await c2.connect();
    const { rows } = await c2.query<{ slug: string }>('select slug from companies order by slug');
    await c2.end();
    expect(rows.map((r) => r.slug)).toEqual(['acme-retail', 'aurelia-jewels', 'kept-co']); // kept, and the demo not seeded twice
    const conn2 = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    const desc = await new Client({ connection: conn2 }).workflow.getHandle(probe.workflowId).describe();
    await conn2.close();
    expect(desc.status.name).toBe('RUNNING');

    await stopAndCheck(second.child, 'sigterm');
  }, 300_000);
});
