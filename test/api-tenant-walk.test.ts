/**
 * Tenant isolation, route by route: every documented operation that takes an id is called by an
 * admin of another company (every permission) with the id of a real object of this company. The
 * answer must be 404 — never 403, never 2xx, never a trace of the object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { buildWorld, type World } from './fixtures/world.ts';
import { createApiCompany, signIn } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let world: World;
let outsider: string;
const ids: Record<string, string> = {};
const others: Record<string, string> = {};

/** Bodies valid enough to get past validation, so the lookup is what answers. Default `{}`. */
const BODIES: Record<string, unknown> = {
  'POST /campaigns/{id}/reject': { comment: 'no' },
  'POST /campaigns/{id}/reschedule': { startAt: new Date(Date.now() + 86_400_000).toISOString() },
  'POST /contacts/{id}/consent': { channel: 'email', granted: false, source: 'test' },
  'PUT /campaigns/{id}/tracking': { enabled: false },
  'POST /campaigns/{id}/spend': { amount: '1.00', category: 'media', incurredOn: '2026-12-01' },
  'POST /campaigns/{id}/metrics': { days: [{ day: '2026-12-01', channel: 'paid_ads', impressions: 1 }] },
};

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  world = await buildWorld(t.deps.orm.em.fork(), 'walk-a');
  const knex = t.deps.orm.em.getKnex();
  const one = async (table: string) => ((await knex.raw(`select id from ${table} where company_id = ? limit 1`, [world.companyId])).rows[0] as { id: string }).id;
  Object.assign(ids, {
    campaigns: world.campaignId,
    contacts: world.contactId,
    users: world.userId,
    segments: await one('segments'),
    templates: await one('campaign_templates'),
    budgets: await one('campaign_budgets'),
    notifications: await one('notifications'),
    suppressions: await one('suppressions'),
    ops: world.campaignId,
    analytics: world.campaignId,
    'webhook-subscriptions': await one('webhook_subscriptions'),
    'api-keys': await one('api_keys'),
    reports: await one('report_subscriptions'),
    'exchange-rates': await one('exchange_rates'),
  });
  // Other path parameters: the world's own objects, so only the {id} lookup can refuse.
  Object.assign(others, { '{deliveryId}': await one('webhook_deliveries'), '{spendId}': await one('spend_entries') });
  const b = await createApiCompany(t.deps.orm, 'walk-b');
  outsider = (await signIn(app, b.users.admin.email)).token;
});
afterAll(async () => {
  await t?.close();
});

describe('tenant isolation over every route that takes an id', () => {
  it('answers 404 to another company for each of them', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const walked: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.includes('{id}')) continue;
      const resource = path.split('/')[1]!;
      const id = ids[resource];
      expect(id, `no object id for resource "${resource}" (${path}): add one to the walk`).toBeDefined();
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        const key = `${method} ${path}`;
        const concrete = Object.entries(others).reduce((p, [param, value]) => p.replace(param, value), path.replace('{id}', id!));
        const res = await app.request(`/api${concrete}`, {
          method,
          headers: { authorization: `Bearer ${outsider}`, 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(BODIES[key] ?? {}) }),
        });
        const text = await res.text();
        expect(res.status, `${key}: ${text}`).toBe(404);
        expect(text).not.toContain('walk-a');
        walked.push(key);
      }
    }
    expect(walked.length).toBeGreaterThan(30);
    // And nothing of company A changed.
    const audit = await t.deps.orm.em.getKnex().raw(`select count(*)::int as n from audit_log where company_id = ? and actor_id is not null and action <> 'campaign.created'`, [world.companyId]);
    expect(audit.rows[0].n).toBe(0);
  });
});
