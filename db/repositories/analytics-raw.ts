/**
 * The rollups' definitions stated once more as a plain GROUP BY over the fact tables, each table
 * aggregated on its own before the sum (never a join fan-out). Not for dashboards: it scans the
 * events. The integration tests prove the triggers' rollups equal it, and bench:analytics times
 * the rollups against it.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { checkFilter, type FactFilter, type FactRow } from './analytics.ts';

export type RawDimension = 'campaign' | 'channel' | 'variant' | 'day' | 'week' | 'month';

const KEY: Record<RawDimension, string> = {
  campaign: 'f.campaign_id::text',
  channel: 'f.channel',
  variant: `nullif(f.variant, '')`,
  day: `to_char(f.day, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', f.day), 'YYYY-MM-DD')`,
  month: `to_char(f.day, 'YYYY-MM')`,
};

const COLS = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'unique_opens', 'clicks', 'unique_clicks',
  'impressions', 'reach', 'leads', 'qualified_leads', 'opportunities', 'conversions', 'orders', 'conversion_revenue', 'order_revenue', 'cost',
] as const;
type Col = (typeof COLS)[number];

/** A fact table's aggregate as the common row shape: the named columns, zero for the others. */
function part(values: Partial<Record<Col, string>>, from: string): string {
  return `select campaign_id, channel, variant, day, ${COLS.map((c) => `${values[c] ?? '0'} as ${c}`).join(', ')} ${from}`;
}

const HUMAN = `e.type in ('opened', 'clicked') and not e.automated`;

function rawSql(where: string): string {
  return `with co as (select id, time_zone, channel_costs from companies where id = ?),
  firsts as (
    select distinct on (e.recipient_id, e.type) e.id from message_events e
     where e.company_id = (select id from co) and ${HUMAN} and e.recipient_id is not null ${where.replace(/f\./g, 'e.')}
     order by e.recipient_id, e.type, e.id),
  facts as (
    ${part(
      { sent: 'sum(v.sent)', delivered: 'sum(v.delivered)', failed: 'sum(v.failed)', cost: 'sum(v.cost)' },
      `from (select r.campaign_id, r.channel::text as channel, coalesce(r.variant, '') as variant, (v.at at time zone co.time_zone)::date as day, v.*
               from campaign_recipients r join co on co.id = r.company_id
               cross join lateral (values (r.sent_at, 1, 0, 0, coalesce((co.channel_costs ->> r.channel::text)::numeric, 0)),
                                          (r.delivered_at, 0, 1, 0, 0::numeric),
                                          (case when r.status = 'failed' then coalesce(r.sent_at, r.updated_at, r.created_at) end, 0, 0, 1, 0::numeric)) v(at, sent, delivered, failed, cost)
              where v.at is not null) v group by 1, 2, 3, 4`,
    )}
    union all
    ${part(
      {
        opens: `count(*) filter (where type = 'opened')`,
        unique_opens: `count(*) filter (where type = 'opened' and first)`,
        clicks: `count(*) filter (where type = 'clicked')`,
        unique_clicks: `count(*) filter (where type = 'clicked' and first)`,
        bounces: `count(*) filter (where type in ('bounced_hard', 'bounced_soft'))`,
        complaints: `count(*) filter (where type = 'complained')`,
        unsubscribes: `count(*) filter (where type = 'unsubscribed')`,
      },
      `from (select e.campaign_id, e.channel::text as channel, coalesce(r.variant, '') as variant, (e.occurred_at at time zone co.time_zone)::date as day,
                    e.type::text as type, e.id in (select id from firsts) as first
               from message_events e join co on co.id = e.company_id left join campaign_recipients r on r.id = e.recipient_id
              where ${HUMAN} or e.type in ('bounced_hard', 'bounced_soft', 'complained', 'unsubscribed')) e group by 1, 2, 3, 4`,
    )}
    union all
    ${part(
      {
        leads: `count(*) filter (where type = 'lead')`,
        qualified_leads: `count(*) filter (where type = 'lead' and lead_stage in ('qualified', 'hot', 'opportunity', 'won'))`,
        opportunities: `count(*) filter (where type = 'lead' and lead_stage in ('opportunity', 'won'))`,
        conversions: `count(*) filter (where type <> 'lead')`,
        conversion_revenue: 'sum(value)',
      },
      `from (select v.campaign_id, coalesce(v.channel::text, cp.primary_channel::text) as channel, coalesce(v.variant, r.variant, '') as variant,
                    (v.occurred_at at time zone co.time_zone)::date as day, v.type, v.lead_stage, v.value
               from conversions v join co on co.id = v.company_id join campaigns cp on cp.id = v.campaign_id
               left join campaign_recipients r on r.id = v.recipient_id) v group by 1, 2, 3, 4`,
    )}
    union all
    ${part(
      { orders: 'count(*)', order_revenue: 'sum(order_value)' },
      `from (select o.campaign_id, coalesce(o.channel::text, cp.primary_channel::text) as channel, coalesce(o.variant, r.variant, '') as variant,
                    (o.ordered_at at time zone co.time_zone)::date as day, o.order_value
               from orders o join co on co.id = o.company_id join campaigns cp on cp.id = o.campaign_id
               left join campaign_recipients r on r.id = o.recipient_id where o.status = 'completed') o group by 1, 2, 3, 4`,
    )}
    union all
    ${part(
      { cost: 'sum(amount)' },
      `from (select s.campaign_id, coalesce(s.channel, cp.primary_channel::text) as channel, '' as variant, s.incurred_on as day, s.amount
               from spend_entries s join co on co.id = s.company_id join campaigns cp on cp.id = s.campaign_id) s group by 1, 2, 3, 4`,
    )}
    union all
    ${part(
      {
        impressions: 'sum(impressions)',
        reach: 'sum(reach)',
        clicks: 'sum(clicks)',
        leads: 'sum(leads)',
        qualified_leads: 'sum(qualified_leads)',
        conversions: 'sum(conversions)',
        conversion_revenue: 'sum(revenue)',
        cost: 'sum(spend)',
      },
      `from (select m.campaign_id, m.channel, '' as variant, m.day, m.impressions, m.reach, m.clicks, m.leads, m.qualified_leads, m.conversions, m.revenue, m.spend
               from campaign_channel_metrics m join co on co.id = m.company_id) m group by 1, 2, 3, 4`,
    )}
  )`;
}

/**
 * The same answer as readFacts for the dimensions it supports (no region, user or team), straight
 * from the facts. Filters: company, days, channels, campaigns.
 */
export async function rawFacts(sql: Knex, filter: FactFilter, groupBy: RawDimension[]): Promise<FactRow[]> {
  checkFilter(filter);
  // The first-engagement CTE filters by campaign only (its bindings come first); the rest below.
  const campaigns = filter.campaignIds ? 'and f.campaign_id = any(?::uuid[])' : '';
  const bindings: Knex.RawBinding[] = filter.campaignIds ? [filter.campaignIds] : [];
  const outer: string[] = [];
  const add = (cond: string, value: Knex.RawBinding) => {
    outer.push(cond);
    bindings.push(value);
  };
  if (filter.campaignIds) add('f.campaign_id = any(?::uuid[])', filter.campaignIds);
  if (filter.channels) add('f.channel = any(?::text[])', filter.channels);
  if (filter.from) add('f.day >= ?::date', filter.from);
  if (filter.to) add('f.day <= ?::date', filter.to);
  const keys = groupBy.map((d, i) => `${KEY[d]} as k${i}`);
  const sums = COLS.map((c) => (c.endsWith('revenue') || c === 'cost' ? `coalesce(sum(f.${c}), 0)::numeric(20,4)::text as ${c}` : `coalesce(sum(f.${c}), 0)::bigint as ${c}`));
  const nonZero = COLS.map((c) => `sum(f.${c}) <> 0`).join(' or ');
  const group = groupBy.length
    ? ` group by ${groupBy.map((_, i) => i + 1).join(', ')} having ${nonZero} order by ${groupBy.map((_, i) => `${i + 1} nulls last`).join(', ')}`
    : '';
  const text = `${rawSql(campaigns)}
    select ${[...keys, ...sums, `(coalesce(sum(f.conversion_revenue), 0) + coalesce(sum(f.order_revenue), 0))::numeric(20,4)::text as revenue`].join(', ')}
      from facts f where f.campaign_id in (select id from campaigns where company_id = (select id from co)) ${outer.length ? `and ${outer.join(' and ')}` : ''}${group}`;
  const res = await sql.raw<{ rows: Record<string, string | null>[] }>(text, [filter.companyId, ...bindings]);
  return res.rows.map((r) => {
    const keysOut: FactRow['keys'] = {};
    groupBy.forEach((d, i) => (keysOut[d] = r[`k${i}`] ?? null));
    return {
      keys: keysOut,
      sent: Number(r.sent),
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      bounces: Number(r.bounces),
      complaints: Number(r.complaints),
      unsubscribes: Number(r.unsubscribes),
      opens: Number(r.opens),
      uniqueOpens: Number(r.unique_opens),
      clicks: Number(r.clicks),
      uniqueClicks: Number(r.unique_clicks),
      impressions: Number(r.impressions),
      reach: Number(r.reach),
      leads: Number(r.leads),
      qualifiedLeads: Number(r.qualified_leads),
      opportunities: Number(r.opportunities),
      conversions: Number(r.conversions),
      orders: Number(r.orders),
      conversionRevenue: r.conversion_revenue!,
      orderRevenue: r.order_revenue!,
      revenue: r.revenue!,
      cost: r.cost!,
    };
  });
}
