/**
 * campaign.performance_update on the live stream: a fact that changes a campaign's figures reaches
 * the company's subscribers over SSE with the new headline counts, at most once a second per
 * campaign, and never another company's subscriber.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHerald } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { createApp } from '../api/app.ts';
import { openEventStream, until } from './fixtures/sse.ts';

let herald: Awaited<ReturnType<typeof startHerald>>;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
let token: string;
let rivalToken: string;

const openStream = (bearer: string, headers: Record<string, string> = {}) => openEventStream(herald.baseUrl, bearer, headers);

const sql = (text: string, params: unknown[]) => herald.deps.orm.em.getKnex().raw(text, params as never[]);

beforeAll(async () => {
  herald = await startHerald({ consoleDir: '/nonexistent' });
  app = createApp(herald.deps);
  acme = await createApiCompany(herald.deps.orm, 'live-acme');
  rival = await createApiCompany(herald.deps.orm, 'live-rival');
  token = (await signIn(app, acme.users.manager.email)).token;
  rivalToken = (await signIn(app, rival.users.viewer.email)).token;
});
afterAll(async () => {
  await herald?.close();
});

describe('campaign.performance_update', () => {
  it("streams a campaign's new figures when a fact lands, at most once a second, to its company only", async () => {
    const created = await as(app, token).post('/api/campaigns', {
      name: 'Live figures',
      type: 'promotional',
      channel: 'email',
      startAt: new Date(Date.now() + 86_400_000).toISOString(),
      endAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.id as string;
    const mine = await openStream(token);
    const theirs = await openStream(rivalToken);
    await until(() => mine.events.find((e) => e.event === 'ready'));
    await until(() => theirs.events.find((e) => e.event === 'ready'));
    const updates = () => mine.events.filter((e) => e.event === 'campaign.performance_update' && e.data.campaignId === campaignId);

    const convert = (n: number) =>
      sql(`insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at) values (?, ?, 'sale', 10.5, 'USD', ?, 'crm', now())`, [
        acme.id,
        campaignId,
        `live-${n}`,
      ]);
    await convert(0);
    const first = await until(() => updates()[0]);
    expect(first.data).toMatchObject({ campaignId, conversions: 1, revenue: '10.5000', sent: 0 });

    // Ten more conversions within about a second and a half: a handful of events, the last one with all of them.
    for (let n = 1; n <= 10; n++) {
      await convert(n);
      await new Promise((r) => setTimeout(r, 150));
    }
    const last = await until(() => updates().find((e) => e.data.conversions === 11));
    expect(last.data.revenue).toBe('115.5000');
    const burst = updates().slice(1);
    expect(burst.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < burst.length; i++) expect(burst[i]!.at - burst[i - 1]!.at).toBeGreaterThan(700);
    // Nothing changes: no more events.
    const count = updates().length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(updates()).toHaveLength(count);
    expect(theirs.events.filter((e) => e.event === 'campaign.performance_update')).toEqual([]);
    mine.close();
    theirs.close();
  });
});
