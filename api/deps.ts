import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { Logger } from '../config/logger.ts';
import type { EventHub } from './events/hub.ts';
import type { UserCache } from './auth/user-cache.ts';
import type { Channels } from '../channels/index.ts';

/** Everything the API needs, built once per process by scripts/api.ts (or by a test). */
export interface AppDeps {
  config: Config;
  log: Logger;
  orm: MikroORM;
  temporal: { connection: Connection; client: Client; namespace: string; uiUrl?: string };
  /** Built console to serve; absent in API-only deployments. */
  consoleDir?: string;
  /** Live events for this replica's subscribers; createApp makes one when absent. */
  events?: EventHub;
  /** The user rows behind access tokens, invalidated by NOTIFY; createApp makes one when absent. */
  users?: UserCache;
  /** Channel adapters for test sends; created on first use. */
  channels?: Channels;
}
