/**
 * A misconfigured process stops with one line naming the variable, never a stack trace: what an
 * operator sees in `docker-compose logs` or a terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../scripts/lib/temporal-bin.ts';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { freePort } from '../scripts/lib/ports.ts';

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', script)],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe.each(['api.ts', 'worker.ts'])('%s start-up errors', (script) => {
  let db: TestDatabase;
  let closedPort: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    closedPort = await freePort();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names DATABASE_URL when it is malformed', async () => {
    const r = await run(script, { DATABASE_URL: 'not a url' });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /^herald: invalid configuration: DATABASE_URL: expected postgres:\/\//);
  });

  it('names DATABASE_URL when nothing answers there, hiding the password', async () => {
    const r = await run(script, { DATABASE_URL: `postgres://herald:topsecret@127.0.0.1:${closedPort}/herald`, TEMPORAL_ADDRESS: `127.0.0.1:${closedPort}` });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, new RegExp(`^herald: DATABASE_URL: cannot connect to postgres://herald:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/herald: .*ECONNREFUSED`));
    expect(r.stderr).not.toContain('topsecret');
  });

  it('names TEMPORAL_ADDRESS when no Temporal answers there', async () => {
    const r = await run(script, { DATABASE_URL: db.url, TEMPORAL_ADDRESS: `127.0.0.1:${closedPort}` });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, new RegExp(`^herald: TEMPORAL_ADDRESS: cannot reach Temporal at 127\\.0\\.0\\.1:${closedPort}`));
  });
});
