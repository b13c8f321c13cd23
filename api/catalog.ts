/**
 * The audience and asset resources under /api: segments, contacts, templates and budgets. Mounted
 * once by app.ts; each resource is its own sub-app.
 */
import type { AppDeps } from './deps.ts';
import { router } from './openapi.ts';
import { segmentRoutes } from './segments/routes.ts';

export function catalogRoutes(deps: AppDeps) {
  return router().route('/segments', segmentRoutes(deps));
}
