/** Mount point for /api/analytics: the reports over the rollups (issue 8 "Reports"). */
import type { AppDeps } from '../deps.ts';
import { router } from '../openapi.ts';

export function analyticsRoutes(_deps: AppDeps) {
  return router();
}
