/** A company's integrations: outbound event webhooks (seed 001 §8). */
import type { AppDeps } from '../deps.ts';
import { router } from '../openapi.ts';
import { webhookSubscriptionRoutes } from './webhooks.ts';

export function integrationRoutes(deps: AppDeps) {
  return router().route('/webhook-subscriptions', webhookSubscriptionRoutes(deps));
}
