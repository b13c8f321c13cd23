/**
 * docker-compose.yml, validated the way this machine can: `docker-compose config` (Debian's
 * docker-compose 1.29 needs no Docker engine for it) checks the file and resolves it; the resolved
 * YAML is turned into JSON by python3's PyYAML (a dependency of that package) and inspected.
 *
 * Without docker-compose the suite is skipped with a message on a developer machine, and fails
 * in CI (CI set), where .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envSchema, parseConfig } from '../config/env.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { PROJECT_ROOT } from '../scripts/lib/temporal-bin.ts';

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition?: string }> | string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_FILE = join(PROJECT_ROOT, 'docker-compose.yml');
const REQUIRED_SERVICES = ['postgres', 'temporal', 'temporal-ui', 'worker', 'api'];
const HERALD_SERVICES = ['worker', 'api'];

// A clean environment and an env file holding only what an operator must provide (the relay and
// the provider gateway have no default): the checks see the file's own defaults, not whatever
// POSTGRES_PASSWORD the developer's shell or a local .env happens to hold.
const scratch = mkdtempSync(join(tmpdir(), 'herald-compose-'));
const emptyEnvFile = join(scratch, 'operator.env');
writeFileSync(emptyEnvFile, 'SMTP_URL=smtp://relay.example:587\nPROVIDER_HTTP_URL=https://gateway.example\nTRACKING_SECRET=compose-test-tracking-secret\nJWT_SECRET=compose-test-jwt-secret-of-32-characters\n');
const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, LANG: 'C.UTF-8' };

function compose(...args: string[]) {
  return spawnSync('docker-compose', ['--env-file', emptyEnvFile, '-f', COMPOSE_FILE, ...args], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Why the suite cannot run here, or undefined when docker-compose and PyYAML are available. */
function missingTool(): string | undefined {
  const v = spawnSync('docker-compose', ['version'], { env: childEnv, encoding: 'utf8' });
  if (v.error || v.status !== 0) {
    return 'docker-compose is not installed (Debian/Ubuntu: `apt-get install -y docker-compose`; `docker-compose config` needs no Docker engine)';
  }
  const py = spawnSync('python3', ['-c', 'import yaml'], { env: childEnv, encoding: 'utf8' });
  if (py.error || py.status !== 0) return 'python3 with PyYAML is not available (apt-get install -y python3-yaml)';
  return undefined;
}

function resolvedFile(): ComposeFile {
  const out = compose('config');
  if (out.status !== 0) throw new Error(`docker-compose config failed:\n${out.stderr}`);
  const json = spawnSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: out.stdout,
    env: childEnv,
    encoding: 'utf8',
  });
  if (json.status !== 0) throw new Error(`cannot parse the output of docker-compose config:\n${json.stderr}`);
  return JSON.parse(json.stdout) as ComposeFile;
}

function envOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => {
      const i = kv.indexOf('=');
      return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function dependsOn(s: Service): Record<string, string | undefined> {
  const d = s.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v.condition]));
}

function hasHealthcheck(s: Service): boolean {
  const h = s.healthcheck;
  if (!h || h.disable) return false;
  const test = Array.isArray(h.test) ? h.test : h.test ? [h.test] : [];
  return test.length > 0 && test[0] !== 'NONE';
}

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

const missing = missingTool();
const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  if (missing) {
    if (inCi) {
      it('can be validated: docker-compose is required in CI', () => {
        throw new Error(`${missing}. CI must install it (see .ci/run).`);
      });
    } else {
      console.warn(`[compose.test] skipped: ${missing}.`);
      it.skip(`validation skipped: ${missing}`, () => {});
    }
    return;
  }

  const file = resolvedFile();
  const services = file.services;

  it('is valid for `docker-compose config -q`', () => {
    const q = compose('config', '-q');
    expect(q.stderr).toBe('');
    expect(q.status).toBe(0);
  });

  it('defines PostgreSQL, Temporal, the Temporal UI, the worker and the API', () => {
    for (const name of REQUIRED_SERVICES) expect(Object.keys(services), name).toContain(name);
    const services_ = compose('config', '--services');
    expect(services_.stdout.split('\n').filter(Boolean).sort()).toEqual(Object.keys(services).sort());
  });

  it('runs Temporal on the auto-setup image with PostgreSQL persistence, pinned', () => {
    const t = services.temporal!;
    expect(t.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+/);
    const env = envOf(t);
    expect(env.DB).toBe('postgres12');
    expect(Object.keys(services)).toContain(env.POSTGRES_SEEDS);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+/);
  });

  it('lets the worker scale: no container_name, no published ports', () => {
    const w = services.worker!;
    expect(w.container_name).toBeUndefined();
    expect(w.ports ?? []).toEqual([]);
  });

  it('gives every long-running service a health check', () => {
    // One-shot services are those others wait for with service_completed_successfully.
    const oneShot = new Set(
      Object.values(services).flatMap((s) =>
        Object.entries(dependsOn(s)).filter(([, c]) => c === 'service_completed_successfully').map(([n]) => n),
      ),
    );
    const longRunning = Object.keys(services).filter((n) => !oneShot.has(n));
    expect(longRunning).toEqual(expect.arrayContaining(REQUIRED_SERVICES));
    for (const name of longRunning) expect(hasHealthcheck(services[name]!), `${name} has a healthcheck`).toBe(true);
    for (const name of oneShot) expect(services[name]!.restart, `${name} is one-shot`).toBe('no');
  });

  it('orders start-up with health conditions that can be met', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(s))) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        expect(['service_healthy', 'service_completed_successfully'], `${name} -> ${dep}`).toContain(condition);
        if (condition === 'service_healthy') expect(hasHealthcheck(services[dep]!), `${dep} has a healthcheck`).toBe(true);
      }
    }
    for (const name of HERALD_SERVICES) {
      const deps = dependsOn(services[name]!);
      expect(deps.postgres, name).toBe('service_healthy');
      expect(deps.temporal, name).toBe('service_healthy');
    }
  });

  it('registers every search attribute Herald uses, before the worker and the API start', () => {
    const setup = Object.entries(services).find(([, s]) => text(s.command).includes('search-attribute create'));
    expect(setup, 'a service runs `temporal operator search-attribute create`').toBeDefined();
    const [setupName, setupService] = setup!;
    const cmd = text(setupService.command);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(cmd).toMatch(new RegExp(`--name ${name} --type ${type}\\b`));
    for (const name of HERALD_SERVICES) expect(dependsOn(services[name]!)[setupName], name).toBe('service_completed_successfully');
  });

  it('gives the worker and the API DATABASE_URL and TEMPORAL_ADDRESS pointing at the compose services', () => {
    for (const name of HERALD_SERVICES) {
      const env = envOf(services[name]!);
      expect(env.DATABASE_URL, `${name} DATABASE_URL`).toMatch(/^postgres(ql)?:\/\/.+/);
      expect(env.TEMPORAL_ADDRESS, `${name} TEMPORAL_ADDRESS`).toMatch(/:\d+$/);
      expect(Object.keys(services)).toContain(new URL(env.DATABASE_URL!).hostname);
      expect(Object.keys(services)).toContain(env.TEMPORAL_ADDRESS!.replace(/:\d+$/, ''));
      expect(text(services[name]!.command), `${name} command`).toContain(`scripts/${name}.ts`);
    }
  });

  it('passes Herald services only variables that config/env.ts reads, with values it accepts', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of HERALD_SERVICES) {
      const env = envOf(services[name]!);
      const unknown = Object.keys(env).filter((k) => !known.has(k));
      expect(unknown, `${name}: not in envSchema (typo?)`).toEqual([]);
      // The defaults of the file must parse as they would at start-up (NODE_ENV comes from the image).
      expect(() => parseConfig({ NODE_ENV: 'production', ...env }), name).not.toThrow();
    }
  });

  it('publishes the API, listening on all interfaces, with a readiness check', () => {
    const api = services.api!;
    const env = envOf(api);
    expect(env.API_HOST).toBe('0.0.0.0');
    const port = parseConfig({ ...env }).API_PORT;
    const targets = (api.ports ?? []).map((p) => (typeof p === 'object' && p !== null ? Number((p as { target: unknown }).target) : Number(String(p).split(':').pop())));
    expect(targets).toContain(port);
    expect(text(api.healthcheck?.test)).toContain('/readyz');
  });
});
