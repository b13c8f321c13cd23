/**
 * The audience and asset resources under /api: segments, contacts, templates and budgets. Mounted
 * once by app.ts; each resource is its own sub-app.
 */
import type { AppDeps } from './deps.ts';
import { router } from './openapi.ts';
import { segmentRoutes } from './segments/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { suppressionRoutes } from './contacts/suppressions.ts';
import { templateRoutes } from './templates/routes.ts';
import { budgetRoutes } from './budgets/routes.ts';

export function catalogRoutes(deps: AppDeps) {
  return router()
    .route('/segments', segmentRoutes(deps))
    .route('/contacts', contactRoutes(deps))
    .route('/suppressions', suppressionRoutes())
    .route('/templates', templateRoutes())
    .route('/budgets', budgetRoutes());
}
