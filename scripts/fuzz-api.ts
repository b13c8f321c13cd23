/**
 * `npm run fuzz:api [-- --max-examples 20 --phases examples,coverage,fuzzing,stateful --max-time <s> --seed 1 --workers 2]`
 *
 * A schemathesis pass over GET /api/openapi.json against the real API process on the embedded stack
 * (scripts/lib/api-stack.ts: PostgreSQL, Temporal dev server, the worker and the channel sinks, so a
 * fuzzed submit or approve drives a real workflow) holding the demo companies
 * (db/seed), signed in as the demo admin, checking that no input makes the API answer 5xx (or die).
 * Schemathesis comes from PyPI into the git-ignored .tools/schemathesis (scripts/lib/schemathesis.ts);
 * nothing else goes to the network. Its reports (JSON summary, HAR of every exchange) are kept in
 * .data/fuzz-api/; every 5xx is printed with the request that caused it. Exits 1 on any server error.
 *
 * Left out: the live event streams (GET /events, /events/ws never end by design) and the routes that
 * would end the admin's own session mid-run (logout, its own password or role).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD, seedDemo } from '../db/seed/demo.ts';
import { startApiStack, signIn, type ApiStack } from './lib/api-stack.ts';
import { ensureSchemathesis } from './lib/schemathesis.ts';
import { PROJECT_ROOT } from './lib/temporal-bin.ts';

const { values } = parseArgs({
  options: {
    'max-examples': { type: 'string', default: '20' },
    phases: { type: 'string', default: 'examples,coverage,fuzzing,stateful' },
    /** Time budget, seconds; with it, fuzzing and stateful phases repeat until it is spent (default: stop after the examples). */
    'max-time': { type: 'string' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'report-dir': { type: 'string', default: join(PROJECT_ROOT, '.data', 'fuzz-api') },
  },
});
// Paths are relative to the document's server (/api).
const EXCLUDED_PATHS = '^/(events(/ws)?|auth/logout)$';
const ADMIN = 'admin@acme.example';

const say = (s: string) => process.stdout.write(`${s}\n`);
let stack: ApiStack | undefined;

interface HarEntry {
  request: { method: string; url: string; headers: { name: string; value: string }[]; postData?: { mimeType?: string; text?: string } };
  response: { status: number; content?: { text?: string; encoding?: string } };
}

function curlOf(e: HarEntry): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const headers = e.request.headers
    .filter((h) => /^(content-type|if-match|idempotency-key|last-event-id)$/i.test(h.name))
    .map((h) => ` -H ${q(`${h.name}: ${h.value}`)}`)
    .join('');
  const body = e.request.postData?.text !== undefined ? ` --data-raw ${q(e.request.postData.text)}` : '';
  return `curl -X ${e.request.method} ${q(e.request.url)} -H "Authorization: Bearer $TOKEN"${headers}${body}`;
}

/** requestId → "Type: message" of each error the API logged (pino JSON lines). */
function causesByRequestId(chunks: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of chunks.join('').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as { requestId?: string; err?: { type?: string; message?: string; code?: string } };
      if (o.requestId && o.err) out.set(o.requestId, `${o.err.type ?? 'Error'}${o.err.code ? ` [${o.err.code}]` : ''}: ${shortMessage(o.err.message ?? '')}`);
    } catch {
      // not a log line
    }
  }
  return out;
}

/** A database error's message is "<the SQL> - <what PostgreSQL said>": keep what it said. */
function shortMessage(message: string): string {
  const first = message.split('\n')[0]!;
  const said = first.lastIndexOf(' - ');
  return (said >= 0 && /^\s*(select|insert|update|delete|with)\b/i.test(first) ? first.slice(said + 3) : first).slice(0, 200);
}

/** Sends the same request again, alone: does it reproduce without the run's earlier requests? */
async function replay(e: HarEntry, token: string): Promise<string> {
  const body = e.request.postData?.text;
  const res = await fetch(e.request.url, {
    method: e.request.method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': e.request.postData?.mimeType || 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  return `${res.status} ${(await res.text()).slice(0, 200)}`;
}

function bodyText(e: HarEntry): string {
  const c = e.response.content;
  if (!c?.text) return '';
  return c.encoding === 'base64' ? Buffer.from(c.text, 'base64').toString('utf8') : c.text;
}

async function main() {
  const st = ensureSchemathesis(say);
  const reportDir = values['report-dir'];
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });

  const t0 = performance.now();
  const apiLog: string[] = [];
  stack = await startApiStack({
    apiOutput: (chunk) => apiLog.push(chunk),
    name: 'fuzz-api',
    worker: true,
    prepare: async (orm) => {
      await seedDemo(orm);
    },
    // Fuzzed sign-ins must reach the handler rather than the rate limiter, and the token must outlive the run.
    env: { LOGIN_MAX_PER_IP: '1000000', LOGIN_MAX_FAILURES: '1000000', ACCESS_TOKEN_TTL: '3600' },
  });
  const { base } = stack;
  const token = await signIn(base, ADMIN, DEMO_PASSWORD);
  const schema = await (await fetch(`${base}/api/openapi.json`)).text();
  writeFileSync(join(reportDir, 'openapi.json'), schema);
  const doc = JSON.parse(schema) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).filter((m) => /^(get|post|put|patch|delete)$/.test(m)).length, 0);
  say(`API pid ${stack.apiPid} on ${base} with the demo data, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; signed in as ${ADMIN}; ${operations} operations in the document`);

  const args = [
    'run', `${base}/api/openapi.json`,
    '--url', `${base}/api`,
    '--header', `Authorization: Bearer ${token}`,
    '--checks', 'not_a_server_error',
    '--max-examples', values['max-examples'],
    '--phases', values.phases,
    ...(values['max-time'] ? ['--max-time', values['max-time']] : []),
    '--seed', values.seed,
    '--workers', values.workers,
    '--request-timeout', '20',
    '--exclude-path-regex', EXCLUDED_PATHS,
    '--generation-database', 'none',
    '--continue-on-failure',
    '--no-color',
    '--warnings', 'off',
    '--report-json-path', join(reportDir, 'report.json'),
    '--report-har-path', join(reportDir, 'report.har'),
    '--output-sanitize', 'true',
  ];
  say(`st ${args.map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer …' : a)).join(' ')}\n`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(st, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } });
    child.once('exit', (c) => resolve(c));
  });

  const jsonPath = join(reportDir, 'report.json');
  const report = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as {
        test_cases: { generated: number; with_failures: number };
        operations: { tested: number; total: number; errored: number } | null;
        failures: { title: string; count: number; operations: string[] }[];
        errors: { title: string; count: number }[];
      })
    : undefined;
  const harPath = join(reportDir, 'report.har');
  const entries = existsSync(harPath) ? ((JSON.parse(readFileSync(harPath, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries ?? []) : [];
  const serverErrors = entries.filter((e) => e.response.status >= 500);
  const apiAlive = (() => {
    try {
      process.kill(stack!.apiPid, 0);
      return true;
    } catch {
      return false;
    }
  })();

  say(`\nschemathesis exited with ${code}; reports in ${reportDir}`);
  if (report) {
    say(`test cases: ${report.test_cases.generated} generated, ${report.test_cases.with_failures} with failures; requests sent: ${entries.length}`);
    if (report.operations) say(`operations: ${report.operations.tested} tested of ${report.operations.total} (errored ${report.operations.errored})`);
    for (const f of report.failures) say(`  failure: ${f.title} ×${f.count} in ${f.operations.join(', ')}`);
    for (const e of report.errors) say(`  error: ${e.title} ×${e.count}`);
  } else {
    say('no JSON report was written');
  }
  say(`server errors (5xx answers): ${serverErrors.length}; the API process is ${apiAlive ? 'still running' : 'GONE (crashed)'}`);

  // One group per route, status and logged cause; each group's first request is replayed on its own.
  const causes = causesByRequestId(apiLog);
  const groups = new Map<string, { first: HarEntry; count: number }>();
  for (const e of serverErrors) {
    const requestId = /"requestId":"([^"]+)"/.exec(bodyText(e))?.[1];
    const cause = (requestId && causes.get(requestId)) ?? '(no log line)';
    const key = `${e.request.method} ${new URL(e.request.url).pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')} → ${e.response.status}: ${cause}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { first: e, count: 1 });
  }
  if (groups.size) say(`distinct (route, status, cause): ${groups.size}`);
  for (const [key, { first, count }] of groups) {
    const again = apiAlive ? await replay(first, token) : 'not replayed (the API is gone)';
    say(`\n  ${key}  (×${count})\n    ${curlOf(first)}\n    → ${first.response.status} ${bodyText(first).slice(0, 300)}\n    replayed alone: ${again}`);
  }
  writeFileSync(join(reportDir, 'api.log'), apiLog.join(''));
  if (serverErrors.length > 0 || !apiAlive || code === null || !report) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  process.stderr.write(`fuzz:api failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await stack?.stop();
}
