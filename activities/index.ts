import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/env.ts';
import type { Logger } from '../config/logger.ts';

export interface ActivityDeps {
  orm: MikroORM;
  config: Config;
  log: Logger;
}

/**
 * Builds every activity the worker registers, closed over real dependencies (tests pass their own).
 * Each activity forks the entity manager for its own unit of work; none uses the global one.
 */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
