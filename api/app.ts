import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps.ts';
import { errorBody, toErrorResponse } from './errors.ts';
import { checkDependencies, systemRoutes } from './system.ts';
import { consoleRoutes } from './static.ts';

/** The API surface under /api; `ApiType` is what the console's typed client is built from. */
export function apiRoutes(deps: AppDeps) {
  return new Hono().get('/system/status', async (c) => {
    const dependencies = await checkDependencies(deps);
    return c.json({
      version: process.env.npm_package_version ?? '0.1.0',
      namespace: deps.temporal.namespace,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      temporalUiUrl: deps.temporal.uiUrl ?? null,
      dependencies,
    });
  });
}

export type ApiType = ReturnType<typeof apiRoutes>;

export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined }));
  app.use('/api/*', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json(errorBody('payload_too_large', 'request body exceeds 1 MiB'), 413) }));
  app.onError((err, c) => toErrorResponse(err, c, deps.log));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  app.route('/', systemRoutes(deps));
  app.route('/api', apiRoutes(deps));
  if (deps.consoleDir) app.route('/', consoleRoutes(deps.consoleDir));
  return app;
}
