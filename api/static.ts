/** Serves the built console (console/dist) with a single-page-app fallback to index.html. */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';

export function consoleRoutes(consoleDir: string) {
  const app = new Hono();
  const root = relative(process.cwd(), consoleDir) || '.';
  const indexPath = join(consoleDir, 'index.html');
  app.use('/assets/*', serveStatic({ root, onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
  app.use('*', serveStatic({ root }));
  app.get('*', (c) => {
    if (!existsSync(indexPath)) {
      return c.text('The console is not built: run `npm run build:console`.', 503);
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(indexPath, 'utf8'));
  });
  return app;
}
