import pino, { type Logger } from 'pino';
import type { Config } from './env.ts';

export type { Logger };

/** Structured JSON logs; the pretty form (pino-pretty, a dev dependency) only when asked for and installed. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'logFormat'>, name: string): Logger {
  const options = { name, level: config.LOG_LEVEL };
  if (config.logFormat === 'pretty' && prettyAvailable()) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } },
    });
  }
  return pino(options);
}

function prettyAvailable(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
