/**
 * Runs the Temporal dev server (`temporal server start-dev`) as a child process we own, with Herald's
 * search attributes registered, and waits until it answers on gRPC.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.ts';

export interface TemporalDevServerOptions {
  cli: string;
  port: number;
  /** 0 turns the Web UI off. */
  uiPort: number;
  namespace: string;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  dbFilename?: string;
  log?: (line: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  pid: number;
  stop: () => Promise<void>;
  exited: Promise<number | null>;
}

/**
 * The CLI picks free ports for its HTTP API, metrics and internal services itself; on a busy
 * machine another process can take one between its check and its bind ("address already in use"),
 * and the server dies at start-up. That race is retried; any other start-up failure is not.
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<RunningTemporal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
      opts.log?.(`Temporal dev server lost a port race at start-up (attempt ${attempt}); starting it again`);
    }
  }
}

async function startOnce(opts: TemporalDevServerOptions): Promise<RunningTemporal> {
  const log = opts.log ?? (() => {});
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace, '--log-level', 'warn', '--log-format', 'json'];
  if (opts.dbFilename) {
    const db = resolve(opts.dbFilename);
    mkdirSync(dirname(db), { recursive: true });
    args.push('--db-filename', db);
  }
  args.push(...(opts.uiPort > 0 ? ['--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1'] : ['--headless']));
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  // Updates power approve/reject/reschedule; the SDK's own test server turns the same switches on.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');

  // Own process group: a terminal's Ctrl-C reaches the launcher, which stops the server after the worker.
  const child = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const collect = (b: Buffer) => {
    const text = b.toString();
    output = (output + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  child.once('error', (err) => {
    output += String(err);
    dead = true;
  });

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (dead) {
      const bind = output.match(/listen tcp [^:]*:\d+: bind: address already in use/)?.[0] ?? (output.includes('address already in use') ? 'address already in use' : undefined);
      throw new Error(`Temporal dev server exited during start-up${bind ? ` (${bind})` : ''}: ${lastLines(output)}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: opts.namespace });
      } finally {
        await conn.close();
      }
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address} within 60 s: ${lastLines(output)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    address,
    ...(opts.uiPort > 0 ? { uiUrl: `http://127.0.0.1:${opts.uiPort}` } : {}),
    pid: child.pid!,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ') || '(no output)';
}
