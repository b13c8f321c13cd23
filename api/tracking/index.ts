/**
 * Herald's public, login-free surface: tracking links inside messages (/t) and provider webhooks
 * (/webhooks). Both write through the same group-committing ingest.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { webhookRoutes } from '../webhooks/index.ts';
import { createIngest } from './ingest.ts';
import { trackingRoutes } from './routes.ts';

export function publicRoutes(deps: AppDeps) {
  const ingest = createIngest(deps.orm);
  return new Hono().route('/t', trackingRoutes(deps, ingest)).route('/webhooks', webhookRoutes(deps, ingest));
}
