/**
 * Starts the real API on a free port against a fresh database and the shared Temporal dev server,
 * serving the built console: what browser and HTTP-level tests talk to.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { createApp } from '../../api/app.ts';
import type { AppDeps } from '../../api/deps.ts';
import { CONSOLE_DIST } from '../../scripts/lib/defaults.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestDeps {
  deps: AppDeps;
  db: TestDatabase;
  close: () => Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...overrides });
}

/** The API's dependencies, real ones, for `app.request()` tests. */
export async function createTestDeps(opts: { consoleDir?: string } = {}): Promise<TestDeps> {
  const config = testConfig();
  const db = await createTestDatabase();
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const deps: AppDeps = {
    config,
    log: createLogger(config, 'api-test'),
    orm: db.orm,
    temporal: { connection, client: new Client({ connection }), namespace: 'default' },
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
  };
  return {
    deps,
    db,
    close: async () => {
      await connection.close().catch(() => {});
      await db.drop();
    },
  };
}

export async function startHerald(opts: { consoleDir?: string } = {}): Promise<{ baseUrl: string; deps: AppDeps; close(): Promise<void> }> {
  const consoleDir = opts.consoleDir ?? CONSOLE_DIST;
  const t = await createTestDeps(existsSync(join(consoleDir, 'index.html')) ? { consoleDir } : {});
  const app = createApp(t.deps);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, websocket: { server: new WebSocketServer({ noServer: true }) } });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deps: t.deps,
    close: async () => {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((res) => server.close(() => res()));
      await t.close();
    },
  };
}
