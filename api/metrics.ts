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

  // One child per label set, made once: prom-client otherwise validates and hashes the labels on
  // every observation (a few per cent of a request's CPU under load).
  const children = new Map<string, { duration: ReturnType<typeof duration.labels>; requests: ReturnType<typeof requests.labels> }>();

  const middleware: MiddlewareHandler = async (c, next) => {
    const start = performance.now();
    await next();
    // The matched pattern (/api/campaigns/:id), never the raw path: label values stay few.
    const route = routePath(c) || 'unmatched';
    const method = c.req.method;
    const status = c.res.status;
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (!child) {
      child = { duration: duration.labels(method, route), requests: requests.labels(method, route, String(status)) };
      children.set(key, child);
    }
    child.duration.observe((performance.now() - start) / 1000);
    child.requests.inc();
    if (status >= 500) errors.inc({ method, route });
  };

  function mount(app: Hono): void {
    app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  }

  return { registry, middleware, mount };
}
