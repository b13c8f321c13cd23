/**
 * Finds (and when missing, installs) schemathesis, the OpenAPI fuzzer behind `npm run fuzz:api`:
 * a Python virtual environment in the git-ignored `.tools/schemathesis`, filled from PyPI with a
 * pinned version (its CLI changed between 3.x and 4.x; fuzz-api.ts speaks 4.x). Needs python3 with
 * the venv module; PyPI is the only network access.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_DIR } from './temporal-bin.ts';

export const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(TOOLS_DIR, 'schemathesis');
const BIN = join(VENV, 'bin');

function installedVersion(st: string): string | undefined {
  const r = spawnSync(st, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1] : undefined;
}

/** Path of the `st` executable, installing the pinned version first if needed. */
export function ensureSchemathesis(log: (line: string) => void = () => {}): string {
  const st = join(BIN, 'st');
  if (existsSync(st) && installedVersion(st) === SCHEMATHESIS_VERSION) return st;

  const python = process.env.PYTHON ?? 'python3';
  if (!existsSync(join(BIN, 'pip'))) {
    log(`creating a Python virtual environment in ${VENV}`);
    rmSync(VENV, { recursive: true, force: true });
    const venv = spawnSync(python, ['-m', 'venv', VENV], { encoding: 'utf8' });
    if (venv.status !== 0) {
      throw new Error(`${python} -m venv failed (install python3 and python3-venv): ${(venv.stderr || String(venv.error)).trim()}`);
    }
  }
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI`);
  const pip = spawnSync(join(BIN, 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (pip.status !== 0) throw new Error(`pip install schemathesis==${SCHEMATHESIS_VERSION} failed: ${(pip.stderr || String(pip.error)).trim().split('\n').slice(-3).join(' ')}`);
  const got = installedVersion(st);
  if (got !== SCHEMATHESIS_VERSION) throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} was installed but ${st} reports ${got ?? 'nothing'}`);
  return st;
}
