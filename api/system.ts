/** Liveness and readiness: what load balancers, docker-compose health checks and the console ask. */
import { Hono } from 'hono';
import type { AppDeps } from './deps.ts';
import { databaseStatus } from '../db/orm.ts';

export interface DependencyStatus {
  name: 'database' | 'temporal';
  ok: boolean;
  reason?: string;
}

export async function checkDependencies(deps: AppDeps): Promise<DependencyStatus[]> {
  const [db, temporal] = await Promise.all([
    databaseStatus(deps.orm).then((s): DependencyStatus => (s.ok ? { name: 'database', ok: true } : { name: 'database', ok: false, reason: s.reason })),
    temporalStatus(deps),
  ]);
  return [db, temporal];
}

async function temporalStatus(deps: AppDeps): Promise<DependencyStatus> {
  try {
    await withTimeout(
      deps.temporal.connection.workflowService.describeNamespace({ namespace: deps.temporal.namespace }),
      3_000,
    );
    return { name: 'temporal', ok: true };
  } catch (err) {
    return { name: 'temporal', ok: false, reason: (err as Error).message.split('\n')[0] ?? 'unreachable' };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

export function systemRoutes(deps: AppDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' as const }))
    .get('/readyz', async (c) => {
      const dependencies = await checkDependencies(deps);
      const failing = dependencies.filter((d) => !d.ok);
      if (failing.length > 0) {
        return c.json(
          { status: 'unavailable' as const, failing: failing.map((d) => d.name), dependencies },
          503,
        );
      }
      return c.json({ status: 'ready' as const, dependencies }, 200);
    });
}
