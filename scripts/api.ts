/** `npm run api`: the Hono API (and the built console) on @hono/node-server. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { Client } from '@temporalio/client';
import { loadConfig } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { connectClient } from '../config/temporal.ts';
import { initOrm } from '../db/orm.ts';
import { createApp } from '../api/app.ts';
import { CONSOLE_DIST, databaseUrl, exitWithParent, fatal, temporalAddress, temporalUiUrl } from './lib/defaults.ts';

const config = loadConfig();
const log = createLogger(config, 'api');

try {
  const orm = await initOrm({ clientUrl: databaseUrl(config), poolMax: config.DATABASE_POOL_MAX, migrate: true });
  const connection = await connectClient(config, temporalAddress(config));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const uiUrl = temporalUiUrl(config);
  const deps: Parameters<typeof createApp>[0] = {
    config,
    log,
    orm,
    temporal: { connection, client, namespace: config.TEMPORAL_NAMESPACE, ...(uiUrl ? { uiUrl } : {}) },
    ...(existsSync(join(CONSOLE_DIST, 'index.html')) ? { consoleDir: CONSOLE_DIST } : {}),
  };
  const app = createApp(deps);
  const websocket = { server: new WebSocketServer({ noServer: true }) };
  const server = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT, websocket }, (info) => {
    log.info({ url: `http://${info.address}:${info.port}` }, 'api listening');
    process.send?.({ type: 'ready', port: info.port });
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    fatal(log, new Error(err.code === 'EADDRINUSE' ? `API_PORT: port ${config.API_PORT} is already in use` : `API_PORT: ${err.message}`));
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((res) => server.close(() => res()));
      // Idle keep-alive sockets would hold close() open; live streams get 5 s to finish.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const force = setTimeout(() => (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(), 5_000);
      await closed;
      clearTimeout(force);
      await deps.channels?.closeAll();
      await connection.close();
      await orm.close();
      log.info('api stopped');
    })());
  exitWithParent(shutdown);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void shutdown().finally(() => process.exit(0)));
  }
} catch (err) {
  fatal(log, err);
}
