/**
 * The analytics rollups through the real write paths: a campaign sent by sendBatch through the SMTP
 * sink, opened and clicked through the links in the e-mails it sent, delivered / bounced / complained
 * through the signed provider webhook, converted and paid for. What readFacts answers must equal a
 * plain GROUP BY over the facts, and the figures a user sees must be the ones the test caused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { createActivities } from '../activities/index.ts';
import { createChannels } from '../channels/index.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { DEV_CREDENTIALS } from '../channels/index.ts';
import { signWebhook } from '../channels/webhook-signature.ts';
import { createLogger } from '../config/logger.ts';
import { readFacts, readHeatmap, readLinkClicks, readRetailerLeaderboard, type FactFilter } from '../db/repositories/analytics.ts';
import { rawFacts } from '../db/repositories/analytics-raw.ts';
import { recordHits } from '../db/repositories/tracking-events.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { createCampaignFixture, type CampaignFixture } from './fixtures/campaigns.ts';
import { createTestDeps, testConfig, type TestDeps } from './setup/harness.ts';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const HTML = '<html><body><p>Hi {{ contact.first_name }}</p><a href="https://shop.example/a">A</a> <a href="https://shop.example/b">B</a></body></html>';

let t: TestDeps;
let app: Hono;
let smtp: SmtpSink;
let channels: ReturnType<typeof createChannels>;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;
const knex = () => t.db.orm.em.getKnex();

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  smtp = await startSmtpSink({ port: await freePort() });
  channels = createChannels(testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }));
});
afterAll(async () => {
  await channels?.closeAll();
  await smtp?.close();
  await t?.close();
});

/** A campaign of `contacts` e-mails in New York time with A/B variants, sent through sendBatch; c1 and c2 are retailers. */
async function sendCampaign(slug: string, contacts: number): Promise<CampaignFixture & { recipients: { id: number; email: string; region: string; variant: string }[] }> {
  const f = await createCampaignFixture(t.db.orm, { slug, contacts, content: { email: { subject: `News ${slug}`, html: HTML } } });
  await q(`update companies set channel_costs = '{"email": "0.0100"}', time_zone = 'America/New_York' where id = ?`, [f.companyId]);
  await q(`update campaigns set variants = '[{"key": "A", "split": 50}, {"key": "B", "split": 50}]' where id = ?`, [f.campaignId]);
  await q(
    `update contacts set attributes = attributes || jsonb_build_object('retailer', true, 'retailer_name', 'Retailer ' || email) where company_id = ? and email in (?, ?)`,
    [f.companyId, `c1@${slug}.example`, `c2@${slug}.example`],
  );
  const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  const acts = createActivities({ orm: t.db.orm, config, log: createLogger(config, 'test'), channels });
  const ref = { campaignId: f.campaignId, companyId: f.companyId };
  await acts.snapshotAudience(ref);
  const result = await new MockActivityEnvironment().run(acts.sendBatch, { ...ref, fromSeq: 1, toSeq: contacts });
  expect(result).toMatchObject({ sent: contacts, failed: 0 });
  const recipients = await q<{ id: string; email: string; region: string; variant: string }>(
    `select r.id, k.email, k.region, r.variant from campaign_recipients r join contacts k on k.id = r.contact_id where r.campaign_id = ? order by length(k.email), k.email`,
    [f.campaignId],
  );
  return { ...f, recipients: recipients.map((r) => ({ ...r, id: Number(r.id) })) };
}

/** The open pixel and the click links of the e-mail that went to `email`, as the sink received it. */
function linksOf(email: string): { open: string; clicks: string[] } {
  const mail = smtp.messages().find((m) => m.to.includes(email));
  const body = (mail?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  return { open: body.match(/\/t\/o\/[A-Za-z0-9_.-]+/)![0], clicks: [...body.matchAll(/\/t\/c\/[A-Za-z0-9_.-]+/g)].map((m) => m[0]) };
}

const hit = (path: string) => app.request(path, { headers: { 'user-agent': BROWSER } });

function webhook(events: object[]) {
  const body = JSON.stringify({ events });
  const ts = Math.floor(Date.now() / 1000);
  return app.request('/webhooks/herald', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-herald-timestamp': String(ts), 'x-herald-signature': signWebhook(DEV_CREDENTIALS.WEBHOOK_SIGNING_SECRET, ts, body) },
    body,
  });
}

async function expectRollupsEqualRaw(filter: FactFilter): Promise<void> {
  for (const dims of [[], ['campaign', 'channel', 'variant', 'day'], ['week'], ['month', 'channel']] as const) {
    expect(await readFacts(knex(), filter, [...dims]), dims.join(',')).toEqual(await rawFacts(knex(), filter, [...dims]));
  }
}

const totals = async (filter: FactFilter) => (await readFacts(knex(), filter, []))[0]!;

describe('rollups kept by the fact tables', () => {
  it('count a campaign sent, opened, clicked, delivered, bounced, complained and converted exactly as its facts say', async () => {
    const c = await sendCampaign('roll-real', 12);
    const [r1, r2, r3, , , r6, , , r9, r10] = c.recipients;
    // Scanner window: a hit within 2 s of the send is a mail gateway's prefetch, not a person.
    await new Promise((r) => setTimeout(r, 2_100));
    for (const r of c.recipients.slice(0, 6)) expect((await hit(linksOf(r.email).open)).status).toBe(200);
    await hit(linksOf(r1!.email).open); // a repeat: an open, not a unique one
    await hit(linksOf(r6!.email).clicks[1]!); // a click on link B
    await hit(linksOf(r1!.email).clicks[0]!);
    await hit(linksOf(r1!.email).clicks[1]!); // r1's second link: a click, and unique on that link, but r1 already clicked
    await hit(linksOf(r2!.email).clicks[0]!);
    await hit(linksOf(r2!.email).clicks[0]!); // a repeat of the same link
    const ref = (r: { id: number }) => `herald-${c.campaignId}-${r.id}`;
    const delivered = c.recipients.slice(0, 8).map((r, i) => ({ id: `d-${i}`, type: 'delivered', reference: ref(r), occurredAt: new Date().toISOString() }));
    const res = await webhook([
      ...delivered,
      { id: 'b-1', type: 'bounced', bounce: 'hard', reference: ref(r9!), occurredAt: new Date().toISOString() },
      { id: 'x-1', type: 'complained', reference: ref(r10!), occurredAt: new Date().toISOString() },
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    await webhook(delivered); // delivered twice: counted once
    const contactOf = async (r: { id: number }) => (await q<{ contact_id: string }>('select contact_id from campaign_recipients where id = ?', [r.id]))[0]!.contact_id;
    await q(
      `insert into conversions (company_id, campaign_id, contact_id, recipient_id, channel, variant, type, value, currency, external_id, source, occurred_at, lead_stage)
       values (?, ?, ?, ?, 'email', ?, 'sale', 100.50, 'USD', 'deal-1', 'crm', now(), null),
              (?, ?, ?, ?, 'email', ?, 'lead', 0, 'USD', 'lead-1', 'crm', now(), 'qualified')`,
      [c.companyId, c.campaignId, await contactOf(r1!), r1!.id, r1!.variant, c.companyId, c.campaignId, await contactOf(r2!), r2!.id, r2!.variant],
    );
    await q(
      `insert into orders (company_id, campaign_id, contact_id, recipient_id, external_id, order_value, currency, status, ordered_at)
       values (?, ?, ?, ?, 'o-1', 80, 'USD', 'completed', now()), (?, ?, null, null, 'o-2', 999, 'USD', 'pending', now())`,
      [c.companyId, c.campaignId, await contactOf(r3!), r3!.id, c.companyId, c.campaignId],
    );
    await q(`insert into spend_entries (company_id, campaign_id, amount, currency, category, incurred_on) values (?, ?, 25, 'USD', 'media', current_date)`, [c.companyId, c.campaignId]);

    const filter = { companyId: c.companyId };
    expect(await totals(filter)).toMatchObject({
      sent: 12, delivered: 8, failed: 0, bounces: 1, complaints: 1,
      opens: 7, uniqueOpens: 6, clicks: 5, uniqueClicks: 3,
      leads: 1, qualifiedLeads: 1, opportunities: 0, conversions: 1, orders: 1,
      conversionRevenue: '100.5000', orderRevenue: '80.0000', revenue: '180.5000',
      // 12 messages at 0.01 plus the 25 of media.
      cost: '25.1200',
    });
    expect((await q<{ actual_spend: string }>('select actual_spend from campaigns where id = ?', [c.campaignId]))[0]!.actual_spend).toBe('25.1200');
    await expectRollupsEqualRaw(filter);

    // Per variant: the sends split as the snapshot split them.
    const byVariant = await readFacts(knex(), filter, ['variant']);
    const variants = c.recipients.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.variant]: (acc[r.variant] ?? 0) + 1 }), {});
    expect(Object.keys(variants).sort()).toEqual(['A', 'B']);
    expect(Object.fromEntries(byVariant.filter((r) => r.keys.variant).map((r) => [r.keys.variant, r.sent]))).toEqual(variants);
    // The spend and the order carry no variant: their row has no sends.
    expect(byVariant.find((r) => r.keys.variant === null)).toMatchObject({ sent: 0, cost: '25.0000' });
    // Per region: the contacts' regions; spend has none.
    const byRegion = await readFacts(knex(), filter, ['region']);
    const regions = c.recipients.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.region]: (acc[r.region] ?? 0) + 1 }), {});
    expect(Object.fromEntries(byRegion.filter((r) => r.keys.region).map((r) => [r.keys.region, r.sent]))).toEqual(regions);
    expect(byRegion.find((r) => r.keys.region === null)?.cost).toBe('25.0000');
    expect((await readFacts(knex(), { ...filter, regions: [r1!.region] }, []))[0]!.sent).toBe(regions[r1!.region]);

    // The retailer leaderboard: c1 earned 100.50, c2 a lead; ranked by revenue, then by click rate.
    const byRevenue = await readRetailerLeaderboard(knex(), filter, 'revenue');
    expect(byRevenue.map((r) => [r.name, r.revenue, r.sent, r.uniqueClicks])).toEqual([
      [`Retailer ${r1!.email}`, '100.5000', 1, 1],
      [`Retailer ${r2!.email}`, '0.0000', 1, 1],
    ]);
    expect(byRevenue[1]!.leads).toBe(1);

    // Clicks per link, with the URL the redirect used.
    const links = await readLinkClicks(knex(), { ...filter, campaignId: c.campaignId });
    const perLink = links.reduce<Record<number, [number, number]>>((acc, l) => ({ ...acc, [l.linkIndex]: [(acc[l.linkIndex]?.[0] ?? 0) + l.clicks, (acc[l.linkIndex]?.[1] ?? 0) + l.uniqueClicks] }), {});
    expect(perLink).toEqual({ 0: [3, 2], 1: [2, 2] });
    expect(links.every((l) => l.url?.startsWith(`https://shop.example/${l.linkIndex === 0 ? 'a' : 'b'}`))).toBe(true);

    // The heat map: every human open and click, in New York's weekday and hour.
    const heat = await readHeatmap(knex(), filter);
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(new Date());
    const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(ny.find((p) => p.type === 'weekday')!.value);
    const hour = Number(ny.find((p) => p.type === 'hour')!.value);
    expect(heat.reduce((s, h) => s + h.opens, 0)).toBe(7);
    expect(heat.reduce((s, h) => s + h.clicks, 0)).toBe(5);
    expect(heat.some((h) => h.weekday === weekday && (h.hour === hour || h.hour === (hour + 23) % 24))).toBe(true);
  });

  it('adjusts by the difference when a conversion is updated or deleted and when a tracked day is re-imported', async () => {
    const c = await createCampaignFixture(t.db.orm, { slug: 'roll-adjust', contacts: 1 });
    const filter = { companyId: c.companyId };
    await q(
      `insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at, lead_stage)
       values (?, ?, 'sale', 100.50, 'USD', 'a-1', 'crm', '2030-03-02T15:00:00Z', null), (?, ?, 'lead', 0, 'USD', 'a-2', 'crm', '2030-03-02T15:00:00Z', 'new')`,
      [c.companyId, c.campaignId, c.companyId, c.campaignId],
    );
    expect(await totals(filter)).toMatchObject({ conversions: 1, leads: 1, qualifiedLeads: 0, conversionRevenue: '100.5000' });

    await q(`update conversions set value = 70.25 where external_id = 'a-1' and company_id = ?`, [c.companyId]);
    await q(`update conversions set lead_stage = 'opportunity' where external_id = 'a-2' and company_id = ?`, [c.companyId]);
    expect(await totals(filter)).toMatchObject({ conversions: 1, leads: 1, qualifiedLeads: 1, opportunities: 1, conversionRevenue: '70.2500', revenue: '70.2500' });
    // Moved to another day: the old day loses it, the new one gains it.
    await q(`update conversions set occurred_at = '2030-03-05T15:00:00Z' where external_id = 'a-1' and company_id = ?`, [c.companyId]);
    const days = await readFacts(knex(), filter, ['day']);
    expect(days.map((d) => [d.keys.day, d.conversions, d.conversionRevenue])).toEqual([
      ['2030-03-02', 0, '0.0000'],
      ['2030-03-05', 1, '70.2500'],
    ]);
    await q(`delete from conversions where external_id = 'a-1' and company_id = ?`, [c.companyId]);
    expect(await totals(filter)).toMatchObject({ conversions: 0, leads: 1, conversionRevenue: '0.0000' });

    const tracked = (impressions: number, clicks: number, spend: string) =>
      q(
        `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, leads, conversions, revenue, spend, source)
         values (?, ?, 'paid_ads', '2030-03-03', ?, ?, ?, 3, 1, 500, ?, 'csv')
         on conflict (campaign_id, channel, day) do update set impressions = excluded.impressions, reach = excluded.reach, clicks = excluded.clicks,
           leads = excluded.leads, conversions = excluded.conversions, revenue = excluded.revenue, spend = excluded.spend, updated_at = now()`,
        [c.companyId, c.campaignId, impressions, impressions / 2, clicks, spend],
      );
    await tracked(1000, 20, '40');
    await tracked(1500, 30, '55.5'); // the re-import replaces the day
    const paid = (await readFacts(knex(), { ...filter, channels: ['paid_ads'] }, ['channel']))[0]!;
    expect(paid).toMatchObject({ impressions: 1500, reach: 750, clicks: 30, leads: 3, conversions: 1, conversionRevenue: '500.0000', cost: '55.5000' });
    expect((await q<{ actual_spend: string }>('select actual_spend from campaigns where id = ?', [c.campaignId]))[0]!.actual_spend).toBe('55.5000');
    await expectRollupsEqualRaw(filter);
  });

  it("seed 004's trap: many sends and a few conversions make revenue the sum of the conversions, not times the sends", async () => {
    const c = await createCampaignFixture(t.db.orm, { slug: 'roll-fanout', contacts: 300 });
    await createActivities({ orm: t.db.orm, config: t.deps.config, log: createLogger(t.deps.config, 'test'), channels }).snapshotAudience({ campaignId: c.campaignId, companyId: c.companyId });
    await q(`update campaign_recipients set status = 'sent', sent_at = now() where campaign_id = ?`, [c.campaignId]);
    await q(
      `insert into conversions (company_id, campaign_id, recipient_id, type, value, currency, external_id, source, occurred_at)
       select ?, ?, (select min(id) from campaign_recipients where campaign_id = ?), 'sale', v, 'USD', 'f-' || v, 'crm', now() from unnest(array[1000, 2500.50, 99.99]) v`,
      [c.companyId, c.campaignId, c.campaignId],
    );
    expect(await totals({ companyId: c.companyId, campaignIds: [c.campaignId] })).toMatchObject({ sent: 300, conversions: 3, revenue: '3600.4900' });

    // Per user and team: the campaign's creator and their team, joined at read time.
    const [team] = await q<{ id: string }>(`insert into teams (company_id, name) values (?, 'Growth'), (?, 'Brand') returning id`, [c.companyId, c.companyId]);
    await q(`update users set team_id = ? where id = ?`, [team!.id, c.creatorId]);
    const byOwner = await readFacts(knex(), { companyId: c.companyId }, ['team', 'user']);
    expect(byOwner.map((r) => [r.keys.team, r.keys.user, r.sent, r.revenue])).toEqual([[team!.id, c.creatorId, 300, '3600.4900']]);
    expect((await totals({ companyId: c.companyId, teamIds: [team!.id] })).sent).toBe(300);
    expect((await totals({ companyId: c.companyId, userIds: [c.approverId] })).sent).toBe(0);
  });

  it('loses no increment when two writers record hits and conversions at the same time', async () => {
    const c = await createCampaignFixture(t.db.orm, { slug: 'roll-race', contacts: 200 });
    await createActivities({ orm: t.db.orm, config: t.deps.config, log: createLogger(t.deps.config, 'test'), channels }).snapshotAudience({ campaignId: c.campaignId, companyId: c.companyId });
    const ids = (await q<{ id: string }>(`select id from campaign_recipients where campaign_id = ? order by seq`, [c.campaignId])).map((r) => Number(r.id));
    // Two send batches mark their halves sent concurrently, twice over in small statements.
    await Promise.all(
      [ids.slice(0, 100), ids.slice(100)].map(async (half) => {
        for (let i = 0; i < half.length; i += 10) await q(`update campaign_recipients set status = 'sent', sent_at = now() - interval '1 minute' where id = any(?::bigint[])`, [half.slice(i, i + 10)]);
      }),
    );
    // Two tracking batchers: each round both open the same 40 messages (only one of them may count the first open).
    const at = new Date();
    let sentHits = 0;
    const writer = (w: number) => async () => {
      for (let round = 0; round < 10; round++) {
        const batch = ids.slice(round * 20, round * 20 + 40).map((rid) => ({ kind: 'o' as const, recipientId: rid, automated: false, agent: `w${w}`, at }));
        sentHits += batch.length;
        await recordHits(knex(), batch, 30);
        await q(`insert into conversions (company_id, campaign_id, type, value, currency, external_id, source, occurred_at) values (?, ?, 'sale', 1.25, 'USD', ?, 'crm', now())`, [
          c.companyId,
          c.campaignId,
          `race-${w}-${round}`,
        ]);
      }
    };
    await Promise.all([writer(1)(), writer(2)()]);
    const opened = await q<{ n: string; u: string }>(`select count(*) as n, count(distinct recipient_id) as u from message_events where campaign_id = ? and type = 'opened'`, [c.campaignId]);
    expect(Number(opened[0]!.n)).toBe(sentHits);
    expect(await totals({ companyId: c.companyId })).toMatchObject({ sent: 200, opens: sentHits, uniqueOpens: Number(opened[0]!.u), conversions: 20, conversionRevenue: '25.0000' });
    expect(Number(opened[0]!.u)).toBe(200);
    await expectRollupsEqualRaw({ companyId: c.companyId });
  });

  it('names the field of a bad filter instead of failing in the database', async () => {
    await expect(readFacts(knex(), { companyId: 'nope' }, [])).rejects.toMatchObject({ kind: 'validation', issues: [{ field: 'companyId[0]' }] });
    const companyId = '00000000-0000-4000-8000-000000000000';
    await expect(readFacts(knex(), { companyId, from: '2030-02-30' }, [])).rejects.toMatchObject({ issues: [{ field: 'from' }] });
    await expect(readFacts(knex(), { companyId, from: '2030-03-02', to: '2030-03-01' }, [])).rejects.toMatchObject({ issues: [{ field: 'from' }] });
    await expect(readFacts(knex(), { companyId, campaignIds: ['x'] }, [])).rejects.toMatchObject({ issues: [{ field: 'campaignIds[0]' }] });
    await expect(readFacts(knex(), { companyId }, ['region', 'variant'])).rejects.toMatchObject({ issues: [{ field: 'groupBy' }] });
    await expect(readFacts(knex(), { companyId }, ['nope' as never])).rejects.toMatchObject({ issues: [{ field: 'groupBy[0]' }] });
    expect(await readFacts(knex(), { companyId }, [])).toEqual([expect.objectContaining({ sent: 0, revenue: '0.0000', cost: '0.0000' })]);
  });
});
