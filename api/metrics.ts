/**
 * Prometheus metrics at GET /metrics: request rate and latency by route, and errors. One registry
 * per app, so several apps in one process (tests) do not collide.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'herald_api_' });
  const requests = new Counter({ name: 'herald_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'Time to the response headers, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({ name: 'herald_http_errors_total', help: 'Responses with status 5xx, by route', labelNames: ['method', 'route'], registers: [registry] });

  const middleware: MiddlewareHandler = async (c, next) => {
    const start = performance.now();
    await next();
    // The matched pattern (/api/campaigns/:id), never the raw path: label values stay few.
    const route = routePath(c) || 'unmatched';
    const labels = { method: c.req.method, route };
    duration.observe(labels, (performance.now() - start) / 1000);
    requests.inc({ ...labels, status: String(c.res.status) });
    if (c.res.status >= 500) errors.inc(labels);
  };

  function mount(app: Hono): void {
    app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  }

  return { registry, middleware, mount };
}
