import { isAbsolute, join } from 'node:path';
import type { Config } from '../../config/env.ts';
import { PROJECT_ROOT } from './temporal-bin.ts';

export const EMBEDDED_DB_NAME = 'herald';

export function dataDir(config: Config): string {
  return isAbsolute(config.DATA_DIR) ? config.DATA_DIR : join(PROJECT_ROOT, config.DATA_DIR);
}

/** The database the embedded defaults use when DATABASE_URL is unset. */
export function databaseUrl(config: Config): string {
  return config.DATABASE_URL ?? `postgres://herald:herald@127.0.0.1:${config.EMBEDDED_PG_PORT}/${EMBEDDED_DB_NAME}`;
}

export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
}

export function temporalUiUrl(config: Config): string | undefined {
  if (config.TEMPORAL_UI_URL) return config.TEMPORAL_UI_URL;
  return config.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`;
}

export const CONSOLE_DIST = join(PROJECT_ROOT, 'console', 'dist');

/** Ends the process when its parent launcher goes away, so no child is ever orphaned. */
export function exitWithParent(shutdown: () => Promise<void> | void): void {
  if (typeof process.send !== 'function') return;
  process.once('disconnect', () => {
    void Promise.resolve(shutdown()).finally(() => process.exit(0));
  });
}

/** Prints a known start-up failure as one line and exits; anything unexpected keeps its stack. */
export function fatal(log: { error: (o: object, m: string) => void } | undefined, err: unknown): never {
  const known = err instanceof Error && /^(DATABASE_URL|TEMPORAL_ADDRESS|SMTP_URL|[A-Z_]+): /.test(err.message);
  if (known) process.stderr.write(`herald: ${(err as Error).message}\n`);
  else if (log) log.error({ err }, 'fatal start-up error');
  else console.error(err);
  process.exit(1);
}
