/**
 * A campaign's UTM settings through the API: the defaults until set, the settings applied to the
 * links recorded at the first send, and no change once messages point at those links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { recordCampaignLinks } from '../db/repositories/tracking-links.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
const api = {} as Record<'manager' | 'viewer' | 'rival', ReturnType<typeof as>>;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'utm-acme');
  const rival = await createApiCompany(t.deps.orm, 'utm-rival');
  api.manager = as(app, (await signIn(app, acme.users.manager.email)).token);
  api.viewer = as(app, (await signIn(app, acme.users.viewer.email)).token);
  api.rival = as(app, (await signIn(app, rival.users.manager.email)).token);
});
afterAll(async () => {
  await t?.close();
});

describe('campaign UTM settings', () => {
  it('are the defaults until set, apply to the recorded links, and freeze once links are recorded', async () => {
    const created = await api.manager.post('/api/campaigns', {
      name: 'Spring sale',
      type: 'promotional',
      channel: 'email',
      startAt: new Date(Date.now() + 86_400_000).toISOString(),
      endAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      budget: '100.00',
      content: { email: { subject: 'Spring', html: '<p><a href="https://shop.example/spring?ref=mail#top">Shop</a></p>' } },
      sender: { fromEmail: 'news@utm.example', fromName: 'Acme' },
      audience: { rules: { field: 'region', op: '=', value: 'East' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const code = created.body.code as string;

    const initial = await api.manager.get(`/api/campaigns/${id}/tracking`);
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ utm: { enabled: true, source: 'herald', medium: 'email', campaign: code }, custom: false, editable: true, links: [] });

    const bad = await api.manager.put(`/api/campaigns/${id}/tracking`, { enabled: 'yes', source: '', colour: 'red' });
    expect(bad.status).toBe(422);
    const fields = (bad.body.error.details.issues as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['enabled', 'source']));
    expect(JSON.stringify(bad.body.error)).toContain('colour');
    expect((await api.viewer.put(`/api/campaigns/${id}/tracking`, { enabled: false })).status).toBe(403);
    expect((await api.rival.get(`/api/campaigns/${id}/tracking`)).status).toBe(404);
    expect((await api.rival.put(`/api/campaigns/${id}/tracking`, { enabled: false })).status).toBe(404);

    const saved = await api.manager.put(`/api/campaigns/${id}/tracking`, { enabled: true, source: 'newsletter', medium: 'email', campaign: 'spring sale' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ utm: { enabled: true, source: 'newsletter', medium: 'email', campaign: 'spring sale' }, custom: true, editable: true });

    // The first send records the links with the settings applied.
    await recordCampaignLinks(t.deps.orm.em.getKnex(), id);
    const after = await api.manager.get(`/api/campaigns/${id}/tracking`);
    expect(after.body.editable).toBe(false);
    expect(after.body.links).toEqual([{ variant: '', index: 0, url: 'https://shop.example/spring?ref=mail&utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale#top' }]);
    const late = await api.manager.put(`/api/campaigns/${id}/tracking`, { enabled: false });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('links_recorded');
    expect((await api.manager.delete(`/api/campaigns/${id}/tracking`)).status).toBe(409);
    expect((await api.manager.get(`/api/campaigns/${id}/tracking`)).body.utm.source).toBe('newsletter');

    const audit = await t.deps.orm.em.getKnex().raw<{ rows: { action: string; after: { utm: { source: string } } }[] }>(
      `select action, after from audit_log where entity_id = ? and action = 'campaign.tracking_changed'`,
      [id],
    );
    expect(audit.rows.map((r) => r.after.utm.source)).toEqual(['newsletter']);
  });
});
