/**
 * Writes demo-results.ts's figures as rows: conversions, orders, spend, sends and events. The
 * rollups and campaigns.actual_spend follow from them by the fact tables' triggers; only the January
 * SMS Blast's reach figures, which have no fact rows, are added to its rollup directly.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sumAmounts, toMinorUnits } from '../../domain/money.ts';
import {
  CampaignRecipientSchema,
  ConversionSchema,
  MessageEventSchema,
  OrderSchema,
  SpendEntrySchema,
} from '../entities/index.ts';
import { seedNewsletterActivity } from './activity-sql.ts';
import { CAMPAIGNS } from './demo-campaign-data.ts';
import type { SeededCompany } from './demo-campaigns.ts';
import { DAY_MS, RETAILERS, isoDate, retailerEmail } from './demo-data.ts';
import { JANUARY_DAYS, JANUARY_FUNNEL, JANUARY_PRODUCTS, JANUARY_SALE_VALUE, LAUNCH_RESULTS, SPEND } from './demo-results.ts';
import type { RunSql } from './sql.ts';

const HOUR_MS = 3_600_000;
const NEWSLETTER_LINKS = ['https://acme.example/autumn', 'https://acme.example/autumn/outerwear', 'https://acme.example/stores'];

export async function seedCampaignResults(em: EntityManager, sql: RunSql, co: SeededCompany, ids: Record<string, string>, asOf: Date): Promise<void> {
  const startOf = (key: string) => CAMPAIGNS[co.spec.key].find((c) => c.key === key)!.start(asOf);
  for (const spec of CAMPAIGNS[co.spec.key]) {
    const entries = SPEND[spec.key] ?? [];
    if (toMinorUnits(sumAmounts(entries.map((e) => e.amount), co.currency), co.currency) !== toMinorUnits(spec.spend, co.currency)) {
      throw new Error(`demo seed: the spend entries of ${spec.key} do not add up to its spend ${spec.spend}`);
    }
    const start = spec.start(asOf);
    for (const e of entries) {
      em.create(SpendEntrySchema, {
        company: co.id,
        campaign: ids[spec.key]!,
        amount: e.amount,
        currency: co.currency,
        category: e.category,
        channel: e.channel ?? null,
        description: e.description,
        incurredOn: isoDate(new Date(start.getTime() + e.day * DAY_MS)),
        createdBy: co.users.ops,
      });
    }
  }
  if (co.spec.key === 'acme') {
    await seedJanuaryBlast(em, sql, co, ids['january-sms-blast']!, startOf('january-sms-blast'));
    const newsletter = ids['autumn-newsletter']!;
    await seedNewsletterActivity(sql, co.id, newsletter, startOf('autumn-newsletter'), NEWSLETTER_LINKS);
  } else {
    await seedLaunch(em, sql, co, ids['new-collection-launch']!, startOf('new-collection-launch'));
  }
  await em.flush();
}

/** Seed 003: 120 leads over three days, 12 of them buying for 1,500 each, and the tracked funnel. */
async function seedJanuaryBlast(em: EntityManager, sql: RunSql, co: SeededCompany, campaign: string, start: Date): Promise<void> {
  const { rows } = await sql<{ id: string }>(
    `select id from contacts where company_id = $1 and phone is not null and unsubscribed_at is null order by phone limit $2`,
    [co.id, JANUARY_FUNNEL.leads],
  );
  if (rows.length !== JANUARY_FUNNEL.leads) throw new Error(`demo seed: only ${rows.length} contacts for the January SMS Blast's leads`);
  const dayOf = (i: number, perDay: readonly number[]) => {
    let acc = 0;
    return perDay.findIndex((n) => (acc += n) > i);
  };
  rows.forEach((contact, i) => {
    const day = dayOf(i, JANUARY_DAYS.map((d) => d.leads));
    em.create(ConversionSchema, {
      company: co.id,
      campaign,
      contact: contact.id,
      channel: 'sms',
      type: 'lead',
      value: '0',
      currency: co.currency,
      externalId: `JAN-LEAD-${String(i + 1).padStart(3, '0')}`,
      source: 'crm',
      occurredAt: new Date(start.getTime() + day * DAY_MS + (1 + (i % 6)) * HOUR_MS),
    });
  });
  for (let i = 0; i < JANUARY_FUNNEL.conversions; i++) {
    const day = dayOf(i, JANUARY_DAYS.map((d) => d.conversions));
    em.create(ConversionSchema, {
      company: co.id,
      campaign,
      // Every tenth lead bought: the sales are among the leads.
      contact: rows[i * 10]!.id,
      channel: 'sms',
      type: 'sale',
      value: JANUARY_SALE_VALUE,
      currency: co.currency,
      productCategory: JANUARY_PRODUCTS[i % JANUARY_PRODUCTS.length]!,
      externalId: `JAN-SALE-${String(i + 1).padStart(2, '0')}`,
      source: 'crm',
      occurredAt: new Date(start.getTime() + day * DAY_MS + 7 * HOUR_MS),
    });
  }
  await em.flush();
  // Sends, reach and opportunities of the blast have no fact rows in the demo: added to the rollup
  // row its conversions and spend already built (the same key), never replacing their counts.
  await sql(
    `insert into campaign_performance_metrics as m (company_id, campaign_id, channel, variant, period, period_start, period_end,
                                                    sent, delivered, impressions, reach, clicks, unique_clicks, opportunities)
     select $1, $2, 'sms', '', 'day', d.day, d.day, d.sent, d.delivered, d.impressions, d.reach, d.clicks, d.clicks, d.opportunities
       from jsonb_to_recordset($3::jsonb) as d(day date, sent bigint, delivered bigint, impressions bigint, reach bigint, clicks bigint, opportunities bigint)
     on conflict (campaign_id, period, period_start, channel, variant, user_id, team_id) do update set
       sent = m.sent + excluded.sent, delivered = m.delivered + excluded.delivered, impressions = m.impressions + excluded.impressions,
       reach = m.reach + excluded.reach, clicks = m.clicks + excluded.clicks, unique_clicks = m.unique_clicks + excluded.unique_clicks,
       opportunities = m.opportunities + excluded.opportunities`,
    [co.id, campaign, JSON.stringify(JANUARY_DAYS.map((d, i) => ({ ...d, day: isoDate(new Date(start.getTime() + i * DAY_MS)) })))],
  );
  // Its funnel (JANUARY_FUNNEL) is the campaign_funnels view's month row over these rollups.
}

/** Seed 004: the launch email to the fifteen retailers, their engagement, conversions and orders. */
async function seedLaunch(em: EntityManager, sql: RunSql, co: SeededCompany, campaign: string, start: Date): Promise<void> {
  const emails = RETAILERS.map(retailerEmail);
  const { rows } = await sql<{ id: string; email: string }>(`select id, email from contacts where company_id = $1 and email = any($2::text[])`, [co.id, emails]);
  const contactOf = new Map(rows.map((r) => [r.email, r.id]));
  const recipients = RETAILERS.map((r, i) => {
    const sentAt = new Date(start.getTime() + i * 2000);
    return em.create(CampaignRecipientSchema, {
      company: co.id,
      campaign,
      contact: contactOf.get(retailerEmail(r))!,
      channel: 'email',
      seq: i + 1,
      address: retailerEmail(r),
      status: 'delivered',
      providerMessageId: `seed-launch-${i + 1}@mta.example`,
      attempts: 1,
      createdAt: start,
      sentAt,
      deliveredAt: new Date(sentAt.getTime() + 3000),
      updatedAt: new Date(sentAt.getTime() + 3000),
    });
  });
  await em.flush();
  RETAILERS.forEach((r, i) => {
    const rec = recipients[i]!;
    const result = LAUNCH_RESULTS[r.name]!;
    const contact = contactOf.get(retailerEmail(r))!;
    const event = (type: 'delivered' | 'opened' | 'clicked', hours: number) =>
      em.create(MessageEventSchema, {
        company: co.id,
        campaign,
        recipient: rec.id,
        channel: 'email',
        type,
        linkIndex: type === 'clicked' ? 0 : null,
        url: type === 'clicked' ? 'https://aurelia.example/new' : null,
        idempotencyKey: `seed:${campaign}:${rec.seq}:${type}`,
        source: 'seed',
        occurredAt: new Date(rec.deliveredAt!.getTime() + hours * HOUR_MS),
      });
    event('delivered', 0);
    if (result.opened) event('opened', 2 + (i % 5));
    if (result.clicked) event('clicked', 8 + (i % 5));
    result.conversions.forEach((c, j) => {
      em.create(ConversionSchema, {
        company: co.id,
        campaign,
        contact,
        recipient: rec.id,
        channel: 'email',
        type: c.type,
        value: c.value,
        currency: co.currency,
        productCategory: c.category,
        externalId: `LAUNCH-CRM-${String(i + 1).padStart(2, '0')}-${j + 1}`,
        source: 'crm',
        occurredAt: new Date(start.getTime() + (3 + i) * DAY_MS),
      });
    });
    result.orders.forEach((o, j) => {
      em.create(OrderSchema, {
        company: co.id,
        campaign,
        contact,
        recipient: o.attributed ? rec.id : null,
        channel: o.attributed ? 'email' : null,
        externalId: `LAUNCH-ORD-${String(i + 1).padStart(2, '0')}-${j + 1}`,
        orderValue: o.value,
        currency: co.currency,
        productCount: o.products,
        status: 'completed',
        attributedToMessage: o.attributed,
        orderedAt: new Date(start.getTime() + (5 + i + j * 4) * DAY_MS),
      });
    });
  });
}
