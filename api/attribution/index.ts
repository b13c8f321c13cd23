/** Mount point for what campaigns earn and cost: conversions, orders, leads, spend, tracked-only metrics. */
import type { AppDeps } from '../deps.ts';
import { router } from '../openapi.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { conversionRoutes } from './conversions.ts';
import { orderRoutes } from './orders.ts';
import { spendRoutes } from './spend.ts';
import { metricRoutes } from './metrics.ts';

export function attributionRoutes(_deps: AppDeps) {
  const r = router();
  r.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-Api-Key' });
  return r.route('/', apiKeyRoutes()).route('/', conversionRoutes()).route('/', orderRoutes()).route('/', spendRoutes()).route('/', metricRoutes());
}
