/** Mount point for what campaigns earn and cost: conversions, orders, leads, spend, tracked-only metrics. */
import type { AppDeps } from '../deps.ts';
import { router } from '../openapi.ts';

export function attributionRoutes(_deps: AppDeps) {
  return router();
}
