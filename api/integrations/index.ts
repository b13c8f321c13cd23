/** Mount point for a company's integrations: outbound event webhooks (seed 001 §8). */
import type { AppDeps } from '../deps.ts';
import { router } from '../openapi.ts';

export function integrationRoutes(_deps: AppDeps) {
  return router();
}
