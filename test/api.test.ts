import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';

describe('API through app.request()', () => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz while the process is alive', async () => {
    const res = await createApp(t.deps).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports ready when the database is migrated and Temporal answers', async () => {
    const res = await createApp(t.deps).request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      dependencies: [
        { name: 'database', ok: true },
        { name: 'temporal', ok: true },
      ],
    });
  });

  it('answers 503 naming Temporal when it cannot be reached', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    await connection.close();
    const app = createApp({ ...t.deps, temporal: { connection, client: new Client({ connection }), namespace: 'default' } });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failing: string[] };
    expect(body.failing).toEqual(['temporal']);
  });

  it('answers 503 naming the database when a migration is pending', async () => {
    const em = t.deps.orm.em.fork();
    const [last] = await em.getConnection().execute<{ id: number }[]>('select id from mikro_orm_migrations order by id desc limit 1');
    await em.getConnection().execute('delete from mikro_orm_migrations where id = ?', [last!.id]);
    try {
      const res = await createApp(t.deps).request('/readyz');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { failing: string[]; dependencies: { name: string; reason?: string }[] };
      expect(body.failing).toEqual(['database']);
      expect(body.dependencies[0]?.reason).toMatch(/1 migration\(s\) not applied/);
    } finally {
      await t.deps.orm.getMigrator().up().catch(() => {});
    }
  });

  it('describes the system for the console through the typed route', async () => {
    const res = await createApp(t.deps).request('/api/system/status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { namespace: string; taskQueue: string; dependencies: unknown[] };
    expect(body.namespace).toBe('default');
    expect(body.taskQueue).toBe('campaigns');
    expect(body.dependencies).toHaveLength(2);
  });

  it('answers an unknown route with the one error shape, never a stack trace', async () => {
    const res = await createApp(t.deps).request('/api/no-such-thing', { method: 'POST', body: '{' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route for POST /api/no-such-thing' } });
  });
});
