/**
 * Spend and tracked-only channels through the real app and PostgreSQL: recorded costs sum into the
 * campaign's actual spend and its owner hears once when it passes the budget; daily figures of a
 * paid-ads campaign are replaced, never doubled, by a re-post or a CSV re-import; such a campaign
 * can never snapshot an audience.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { createCampaignBookkeeping } from '../activities/campaign.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { addContacts } from './fixtures/campaigns.ts';

let t: TestDeps;
let app: Hono;
let co: ApiCompany;
let manager: ReturnType<typeof as>;
let managerToken: string;
let viewer: ReturnType<typeof as>;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;

const future = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const campaign = async (over: Record<string, unknown> = {}): Promise<string> => {
  const res = await manager.post('/api/campaigns', {
    name: 'Tracked',
    type: 'promotional',
    channel: 'paid_ads',
    startAt: future(48),
    endAt: future(24 * 20),
    budget: '1000.00',
    ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const overrunNotes = (campaignId: string) =>
  q<{ user_id: string; payload: Record<string, string> }>(`select user_id, payload from notifications where kind = 'campaign.budget_exceeded' and payload->>'campaignId' = ?`, [campaignId]);

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  co = await createApiCompany(t.db.orm, 'tracked-co');
  managerToken = (await signIn(app, co.users.manager.email)).token;
  manager = as(app, managerToken);
  viewer = as(app, (await signIn(app, co.users.viewer.email)).token);
  await addContacts(t.db.orm, co.id, 'tracked-co', 1, 5);
});
afterAll(async () => {
  await t?.close();
});

describe('spend', () => {
  it('sums recorded costs into actual spend and tells the owner once, when it first passes the budget', async () => {
    const id = await campaign({ channel: 'email', content: { email: { subject: 'S', html: '<p>x</p>' } } });
    const spend = (amount: string) => manager.post(`/api/campaigns/${id}/spend`, { amount, category: 'media', incurredOn: '2026-12-01', description: 'Banner' });
    const first = await spend('600.00');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amount: '600.00', currency: 'USD', category: 'media', incurredOn: '2026-12-01', createdBy: co.users.manager.id });
    expect((await spend('400.00')).status).toBe(201);
    let list = await viewer.get(`/api/campaigns/${id}/spend`);
    expect(list.body).toMatchObject({ total: '1000.00', budget: '1000.00', actualSpend: '1000.00' });
    expect(await overrunNotes(id)).toEqual([]); // at the budget is not past it

    const over = await spend('0.01');
    list = await viewer.get(`/api/campaigns/${id}/spend`);
    expect(list.body).toMatchObject({ total: '1000.01', actualSpend: '1000.01' });
    await spend('250.00');
    const notes = await overrunNotes(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ user_id: co.users.manager.id, payload: { budget: '1000.0000', actualSpend: '1000.0100', currency: 'USD' } });
    const [event] = await q<{ n: string }>(`select count(*) as n from outbox_events where type = 'notification.created' and payload->>'kind' = 'campaign.budget_exceeded' and payload->>'campaignId' = ?`, [id]);
    expect(event!.n).toBe('1');

    // Back under the budget and over again: still the one notification.
    const removed = await manager.delete(`/api/campaigns/${id}/spend/${over.body.id}`);
    expect(removed.status).toBe(200);
    expect((await viewer.get(`/api/campaigns/${id}/spend`)).body.total).toBe('1250.00');
    await q(`delete from spend_entries where campaign_id = ? and amount = 250`, [id]);
    expect((await viewer.get(`/api/campaigns/${id}/spend`)).body.actualSpend).toBe('1000.00');
    await spend('5.00');
    expect(await overrunNotes(id)).toHaveLength(1);

    const log = await q<{ action: string }>(`select action from audit_log where entity_id = ? and action like 'campaign.spend%' order by id`, [id]);
    expect(log.map((l) => l.action)).toEqual(['campaign.spend_recorded', 'campaign.spend_recorded', 'campaign.spend_recorded', 'campaign.spend_recorded', 'campaign.spend_deleted', 'campaign.spend_recorded']);
  });

  it('fires for cost that accrues by any path, e.g. per-message channel cost raising actual_spend during a send', async () => {
    const id = await campaign({ channel: 'email', content: { email: { subject: 'S', html: '<p>x</p>' } } });
    await q(`update campaigns set actual_spend = 999.99 where id = ?`, [id]);
    expect(await overrunNotes(id)).toEqual([]);
    await q(`update campaigns set actual_spend = 1000.02 where id = ?`, [id]);
    await q(`update campaigns set actual_spend = 1200 where id = ?`, [id]);
    expect(await overrunNotes(id)).toHaveLength(1);
  });

  it("refuses a cost in another currency, an unknown campaign and a role that may not record it", async () => {
    const id = await campaign();
    const eur = await manager.post(`/api/campaigns/${id}/spend`, { amount: '10', currency: 'EUR', category: 'media', incurredOn: '2026-12-01' });
    expect(eur.status).toBe(422);
    expect(eur.body.error.details.issues[0].field).toBe('currency');
    const bad = await manager.post(`/api/campaigns/${id}/spend`, { amount: '-1', category: 'bribes', incurredOn: '2026-02-30' });
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['amount', 'category', 'incurredOn']);
    expect((await manager.post(`/api/campaigns/${crypto.randomUUID()}/spend`, { amount: '1', category: 'media', incurredOn: '2026-12-01' })).status).toBe(404);
    expect((await viewer.post(`/api/campaigns/${id}/spend`, { amount: '1', category: 'media', incurredOn: '2026-12-01' })).status).toBe(403);
    expect(await q(`select 1 from spend_entries where campaign_id = ?`, [id])).toEqual([]);
  });
});

describe('tracked-only campaigns', () => {
  it('can never send: the snapshot activity refuses it and records no recipient', async () => {
    // Its lifecycle (submit, approval, tracking from start to end) is test/tracked-lifecycle.test.ts.
    const id = await campaign();
    await expect(createCampaignBookkeeping(t.db.orm).snapshotAudience({ campaignId: id, companyId: co.id })).rejects.toThrow(/tracked-only/);
    expect(await q(`select 1 from campaign_recipients where campaign_id = ?`, [id])).toEqual([]);
  });

  it('takes conversions attributed by UTM, on its tracked channel, from a user who may record revenue', async () => {
    const id = await campaign();
    const { code } = (await viewer.get(`/api/campaigns/${id}`)).body as { code: string };
    const res = await manager.post('/api/conversions', { externalId: 'ads-lead-1', type: 'lead', leadSource: 'paid_search', qualityScore: 80, utmCampaign: code.toLowerCase() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ campaignId: id, channel: 'paid_ads', recipientId: null, leadStage: 'new', currency: 'USD' });
    expect((await viewer.post('/api/conversions', { externalId: 'ads-lead-2', type: 'lead' })).status).toBe(403);
  });

  it('replaces a posted day, never adds to it, and lists what is stored', async () => {
    const id = await campaign();
    const day1 = { day: '2026-12-01', impressions: 12000, reach: 9000, clicks: 340, leads: 21, qualifiedLeads: 8, conversions: 2, revenue: '900.00', spend: '450.00' };
    const first = await manager.post(`/api/campaigns/${id}/metrics`, { days: [day1, { day: '2026-12-02', impressions: 5000, spend: '100' }] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ applied: true, created: 2, replaced: 0 });
    const again = await manager.post(`/api/campaigns/${id}/metrics`, { days: [{ ...day1, clicks: 360, spend: '470.00' }] });
    expect(again.body).toMatchObject({ created: 0, replaced: 1, changes: [{ action: 'replace', before: { clicks: 340, spend: '450.00' }, after: { clicks: 360, spend: '470.00' } }] });
    const list = await viewer.get(`/api/campaigns/${id}/metrics`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ day: '2026-12-01', channel: 'paid_ads', impressions: 12000, clicks: 360, qualifiedLeads: 8, spend: '470.00', source: 'api' }),
      expect.objectContaining({ day: '2026-12-02', channel: 'paid_ads', impressions: 5000, clicks: 0, spend: '100.00' }),
    ]);
    expect(await q(`select sum(spend)::text as s, count(*)::int as n from campaign_channel_metrics where campaign_id = ?`, [id])).toEqual([{ s: '570.0000', n: 2 }]);
    const bad = await manager.post(`/api/campaigns/${id}/metrics`, { days: [{ day: '2026-12-03', leads: 2, qualifiedLeads: 3 }, { day: '2026-12-03', channel: 'social' }, { day: '2026-12-03' }, { day: '2026-02-30', spend: '1.001' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['days.0.qualifiedLeads', 'days.2.day', 'days.3.day', 'days.3.spend']);
    const sending = await manager.post(`/api/campaigns/${id}/metrics`, { days: [{ day: '2026-12-31', channel: 'email' }] });
    expect(sending.body.error.details.issues[0].field).toBe('days.0.channel');
    expect(await q(`select count(*)::int as n from campaign_channel_metrics where campaign_id = ?`, [id])).toEqual([{ n: 2 }]);
  });

  it('previews a CSV re-import (old → new per day), applies it in one go, and a second import replaces exactly', async () => {
    const id = await campaign();
    const csv = (body: string, dry = false) =>
      app.request(`/api/campaigns/${id}/metrics/import${dry ? '?dryRun=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${managerToken}`, 'content-type': 'text/csv' },
        body,
      });
    const v1 = 'day,channel,impressions,clicks,leads,qualified_leads,spend,revenue\n2026-12-01,paid_ads,1000,10,4,2,50.00,0\n2026-12-02,social,2000,20,5,1,60.5,100\n';
    expect((await (await csv(v1)).json()) as object).toMatchObject({ applied: true, created: 2, replaced: 0 });
    const v2 = 'day,channel,impressions,clicks,leads,qualified_leads,spend,revenue\n2026-12-01,paid_ads,1100,12,4,2,55.00,0\n2026-12-02,social,2000,20,5,1,60.50,100\n2026-12-03,paid_ads,900,9,1,0,40,0\n';
    const preview = (await (await csv(v2, true)).json()) as { applied: boolean; changes: { day: string; action: string; before: { impressions: number } | null; after: { impressions: number } }[] };
    expect(preview.applied).toBe(false);
    expect(preview.changes.map((c) => [c.day, c.action, c.before?.impressions ?? null, c.after.impressions])).toEqual([
      ['2026-12-01', 'replace', 1000, 1100],
      ['2026-12-02', 'unchanged', 2000, 2000],
      ['2026-12-03', 'create', null, 900],
    ]);
    expect(await q(`select impressions::int as i from campaign_channel_metrics where campaign_id = ? order by day`, [id])).toEqual([{ i: 1000 }, { i: 2000 }]);
    for (let i = 0; i < 2; i++) expect((await csv(v2)).status).toBe(200);
    expect(await q(`select to_char(day, 'YYYY-MM-DD') as day, channel, impressions::int as i, spend::text as s, source from campaign_channel_metrics where campaign_id = ? order by day`, [id])).toEqual([
      { day: '2026-12-01', channel: 'paid_ads', i: 1100, s: '55.0000', source: 'csv' },
      { day: '2026-12-02', channel: 'social', i: 2000, s: '60.5000', source: 'csv' },
      { day: '2026-12-03', channel: 'paid_ads', i: 900, s: '40.0000', source: 'csv' },
    ]);

    const broken = await csv('day,impressions,clicks,colour\n2026-12-04,10,1,red\n');
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues.map((i) => i.field)).toEqual(['line 1: colour']);
    const badLines = await csv('day,impressions,spend\n2026-12-04,10,1\n2026-12-05,ten,1\n2026-13-01,5,1.001\n');
    expect(((await badLines.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues.map((i) => i.field)).toEqual([
      'line 3: impressions',
      'line 4: day',
      'line 4: spend',
    ]);
    expect(await q(`select count(*)::int as n from campaign_channel_metrics where campaign_id = ?`, [id])).toEqual([{ n: 3 }]);
  });
});
