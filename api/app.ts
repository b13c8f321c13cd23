import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { cors } from 'hono/cors';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import { errorBody, toErrorResponse } from './errors.ts';
import { checkDependencies, systemRoutes } from './system.ts';
import { consoleRoutes } from './static.ts';
import { publicRoutes } from './tracking/index.ts';
import { json, router, z } from './openapi.ts';
import { authRoutes, meRoutes } from './auth/routes.ts';
import { docsRoutes, OPENAPI_INFO } from './docs.ts';
import { campaignRoutes } from './campaigns/routes.ts';
import { campaignActionRoutes } from './campaigns/actions.ts';
import { recipientRoutes } from './campaigns/recipients.ts';
import { previewRoutes } from './campaigns/preview.ts';
import { campaignTrackingRoutes } from './campaigns/tracking.ts';
import { catalogRoutes } from './catalog.ts';
import { CONTACT_IMPORT_PATH } from './contacts/import.ts';
import { EventHub } from './events/hub.ts';
import { eventRoutes, eventSocketRoutes } from './events/routes.ts';
import { approvalRoutes } from './approvals.ts';
import { calendarRoutes } from './calendar.ts';
import { notificationRoutes } from './notifications.ts';
import { auditRoutes } from './audit-log.ts';
import { adminRoutes } from './admin.ts';
import { exchangeRateRoutes } from './exchange-rates.ts';
import { opsRoutes } from './ops/routes.ts';
import { analyticsRoutes } from './analytics/index.ts';
import { dashboardLayoutRoutes } from './dashboard-layout.ts';
import { attributionRoutes } from './attribution/index.ts';
import { integrationRoutes } from './integrations/index.ts';
import { reportRoutes } from './reports/routes.ts';
import { createMetrics } from './metrics.ts';

const SystemStatus = z
  .object({
    version: z.string(),
    namespace: z.string(),
    taskQueue: z.string(),
    temporalUiUrl: z.string().nullable(),
    dependencies: z.array(z.object({ name: z.enum(['database', 'temporal']), ok: z.boolean(), reason: z.string().optional() })),
  })
  .openapi('SystemStatus');

const systemStatus = createRoute({
  method: 'get',
  path: '/system/status',
  tags: ['System'],
  summary: 'Version, Temporal namespace and the health of each dependency',
  'x-permission': 'public',
  responses: { 200: json(SystemStatus, 'System status') },
});

/** The API surface under /api; `ApiType` is what the console's typed client is built from. */
export function apiRoutes(deps: AppDeps) {
  const hub = (deps.events ??= new EventHub(deps.orm, deps.temporal.client, deps.log));
  const api = router();
  api.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const routes = api
    .openapi(systemStatus, async (c) => {
      const dependencies = await checkDependencies(deps);
      return c.json(
        {
          version: process.env.npm_package_version ?? '0.1.0',
          namespace: deps.temporal.namespace,
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          temporalUiUrl: deps.temporal.uiUrl ?? null,
          dependencies,
        },
        200,
      );
    })
    .route('/auth', authRoutes(deps))
    .route('/me', meRoutes())
    .route('/me/dashboard-layout', dashboardLayoutRoutes())
    .route('/campaigns', campaignRoutes(deps))
    .route('/campaigns', campaignActionRoutes(deps))
    .route('/campaigns', recipientRoutes())
    .route('/campaigns', previewRoutes(deps))
    .route('/campaigns', campaignTrackingRoutes())
    .route('/', catalogRoutes(deps))
    .route('/approvals', approvalRoutes())
    .route('/calendar', calendarRoutes())
    .route('/notifications', notificationRoutes())
    .route('/audit', auditRoutes())
    .route('/', adminRoutes())
    .route('/', exchangeRateRoutes())
    .route('/ops', opsRoutes(deps))
    .route('/analytics', analyticsRoutes(deps))
    .route('/', attributionRoutes(deps))
    .route('/', integrationRoutes(deps))
    .route('/reports', reportRoutes(deps))
    .route('/events/ws', eventSocketRoutes(deps, hub))
    .route('/events', eventRoutes(hub));
  api.doc31('/openapi.json', OPENAPI_INFO);
  return routes;
}

export type ApiType = ReturnType<typeof apiRoutes>;

export function createApp(deps: AppDeps) {
  const app = new Hono();
  const metrics = createMetrics({ defaults: deps.config.NODE_ENV !== 'test' });
  app.use('*', requestId());
  app.use('*', metrics.middleware);
  // One line per request carrying its id (the same id is in X-Request-Id and in error logs):
  // debug for successes, info for refusals, error for failures.
  app.use('*', async (c, next) => {
    const start = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    // Below the configured level the line is not even built.
    if (deps.log.isLevelEnabled(level)) {
      deps.log[level]({ requestId: c.get('requestId' as never), method: c.req.method, path: c.req.path, status, ms: Math.round(performance.now() - start) }, 'request');
    }
  });
  app.use('*', secureHeaders({ contentSecurityPolicy: undefined }));
  if (deps.config.CORS_ORIGINS?.length) {
    app.use('/api/*', cors({ origin: deps.config.CORS_ORIGINS, credentials: true, exposeHeaders: ['ETag', 'Retry-After', 'X-Request-Id'] }));
  }
  const apiBodyLimit = bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json(errorBody('payload_too_large', 'request body exceeds 1 MiB'), 413) });
  // Only requests that carry a body pay for the check (on a GET it would still wrap the request).
  // The CSV import streams its body and enforces its own limit (50 MiB) as it reads.
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' || (c.req.method === 'POST' && c.req.path === CONTACT_IMPORT_PATH) ? next() : apiBodyLimit(c, next),
  );
  app.onError((err, c) => toErrorResponse(err, c, deps.log));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  app.route('/', systemRoutes(deps));
  metrics.mount(app);
  app.route('/api', apiRoutes(deps));
  app.route('/api/docs', docsRoutes());
  app.route('/', publicRoutes(deps));
  if (deps.consoleDir) app.route('/', consoleRoutes(deps.consoleDir));
  return app;
}
