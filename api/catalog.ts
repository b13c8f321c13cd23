/**
 * The audience and asset resources under /api: segments, contacts, templates and budgets. Mounted
 * once by app.ts; each resource is its own sub-app.
 */
import type { AppDeps } from './deps.ts';
import { router } from './openapi.ts';

export function catalogRoutes(deps: AppDeps) {
  void deps;
  return router();
}
