/** GET/PUT /api/me/dashboard-layout on the real stack: per user, bounded, 422 naming the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn } from './fixtures/api-world.ts';

let t: TestDeps;
const api = {} as Record<'analyst' | 'manager' | 'ops' | 'rival', ReturnType<typeof as>>;

beforeAll(async () => {
  t = await createTestDeps();
  const app = createApp(t.deps);
  const acme = await createApiCompany(t.deps.orm, 'dl-acme');
  const rival = await createApiCompany(t.deps.orm, 'dl-rival');
  for (const role of ['analyst', 'manager', 'ops'] as const) api[role] = as(app, (await signIn(app, acme.users[role].email)).token);
  api.rival = as(app, (await signIn(app, rival.users.analyst.email)).token);
});
afterAll(async () => {
  await t?.close();
});

const PATH = '/api/me/dashboard-layout';
const mine = [
  { id: 'trends', w: 12 },
  { id: 'kpis', w: 6 },
];

describe('dashboard layout per user', () => {
  it('is null until saved, then comes back exactly as saved, for that user only', async () => {
    expect((await api.analyst.get(PATH)).body).toEqual({ widgets: null, updatedAt: null });
    const put = await api.analyst.put(PATH, { widgets: mine });
    expect(put.status).toBe(200);
    expect((await api.analyst.get(PATH)).body.widgets).toEqual(mine);
    // Saving again replaces it (an upsert, not a second row).
    await api.analyst.put(PATH, { widgets: [{ id: 'heatmap', w: 4 }] });
    expect((await api.analyst.get(PATH)).body.widgets).toEqual([{ id: 'heatmap', w: 4 }]);
    // Another user of the same company and a user of another company see their own (none).
    expect((await api.manager.get(PATH)).body.widgets).toBeNull();
    expect((await api.rival.get(PATH)).body.widgets).toBeNull();
  });

  it('refuses unknown widgets, odd widths, duplicates and extra fields with a 422 naming the field', async () => {
    const bad = async (body: unknown) => {
      const res = await api.analyst.put(PATH, body);
      expect(res.status).toBe(422);
      return res.body.error.details.issues.map((i: { field: string }) => i.field);
    };
    expect(await bad({ widgets: [{ id: 'bitcoin', w: 6 }] })).toContain('widgets.0.id');
    expect(await bad({ widgets: [{ id: 'kpis', w: 5 }] })).toContain('widgets.0.w');
    expect(await bad({ widgets: [{ id: 'kpis', w: 6 }, { id: 'kpis', w: 12 }] })).toContain('widgets');
    expect(await bad({ widgets: mine, script: 'x' })).toHaveLength(1);
    expect(await bad({ widgets: Array.from({ length: 7 }, () => ({ id: 'kpis', w: 6 })) })).toContain('widgets');
    expect((await api.analyst.get(PATH)).body.widgets).toEqual([{ id: 'heatmap', w: 4 }]);
  });

  it('is for analytics readers only', async () => {
    expect((await api.ops.get(PATH)).status).toBe(403);
    expect((await api.ops.put(PATH, { widgets: mine })).status).toBe(403);
  });
});
