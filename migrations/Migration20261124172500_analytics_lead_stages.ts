import { Migration } from '@mikro-orm/migrations';

/**
 * The rollups learn the attribution columns: qualified leads (lead_stage qualified, hot,
 * opportunity or won) and opportunities (opportunity or won) of type-'lead' conversions, the region
 * a conversion or order was attributed with (else the contact's), and an order's own variant. The
 * conversions and orders already counted move from their old key to the new one in the same
 * migration, so nothing is counted twice or lost.
 */

const BIG = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'unique_opens', 'clicks', 'unique_clicks',
  'impressions', 'reach', 'leads', 'qualified_leads', 'opportunities', 'conversions', 'orders',
] as const;
const MONEY = ['conversion_revenue', 'order_revenue', 'cost'] as const;
const COUNTERS = [...BIG, ...MONEY];
type Counter = (typeof COUNTERS)[number];

function deltas(keys: string[], values: Partial<Record<Counter, string>>, from: string): string {
  const agg = COUNTERS.map((c) => {
    const type = (MONEY as readonly string[]).includes(c) ? 'numeric' : 'bigint';
    return values[c] ? `coalesce(sum(sgn * (${values[c]})), 0)::${type}` : `0::${type}`;
  });
  const nonZero = Object.values(values).map((v) => `sum(sgn * (${v})) <> 0`).join(' or ');
  return `array(select row(q.*)::herald_rollup_delta from (
    select ${keys.join(', ')}, ${agg.join(', ')}
    ${from}
    group by 1, 2, 3, 4, 5, 6, 7
    having ${nonZero}) q)`;
}

const RETAILER = `case when k.attributes @> '{"retailer": true}' then k.id end`;
// lead_stage is null for most conversions: `in` would give null, and a sum of nulls is null.
const QUALIFIED = `coalesce(v.type = 'lead' and v.lead_stage in ('qualified', 'hot', 'opportunity', 'won'), false)::int`;
const OPPORTUNITY = `coalesce(v.type = 'lead' and v.lead_stage in ('opportunity', 'won'), false)::int`;

function conversionDeltas(rel: string, current: boolean): string {
  return deltas(
    [
      'v.company_id',
      'v.campaign_id',
      'coalesce(v.channel::text, cp.primary_channel::text)',
      `coalesce(v.variant, r.variant, '')`,
      current ? `coalesce(v.region, k.region, '')` : `coalesce(k.region, '')`,
      RETAILER,
      '(v.occurred_at at time zone co.time_zone)::date',
    ],
    {
      leads: `(v.type = 'lead')::int`,
      conversions: `(v.type <> 'lead')::int`,
      conversion_revenue: 'v.value',
      ...(current ? { qualified_leads: QUALIFIED, opportunities: OPPORTUNITY } : {}),
    },
    `from ${rel} v
     join campaigns cp on cp.id = v.campaign_id
     join companies co on co.id = v.company_id
     left join campaign_recipients r on r.id = v.recipient_id
     left join contacts k on k.id = coalesce(v.contact_id, r.contact_id)`,
  );
}

function orderDeltas(rel: string, current: boolean): string {
  return deltas(
    [
      'v.company_id',
      'v.campaign_id',
      'coalesce(v.channel::text, cp.primary_channel::text)',
      current ? `coalesce(v.variant, r.variant, '')` : `coalesce(r.variant, '')`,
      current ? `coalesce(v.region, k.region, '')` : `coalesce(k.region, '')`,
      RETAILER,
      '(v.ordered_at at time zone co.time_zone)::date',
    ],
    { orders: '1', order_revenue: 'v.order_value' },
    `from ${rel} v
     join campaigns cp on cp.id = v.campaign_id
     join companies co on co.id = v.company_id
     left join campaign_recipients r on r.id = v.recipient_id
     left join contacts k on k.id = coalesce(v.contact_id, r.contact_id)
     where v.status = 'completed'`,
  );
}

const BOTH = `(select 1 as sgn, x.* from n x union all select -1 as sgn, x.* from o x)`;

function factFunction(name: string, body: (rel: string) => string): string {
  return `create or replace function ${name}() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    perform herald_rollup_apply(${body(`(select 1 as sgn, x.* from n x)`)});
  elsif TG_OP = 'DELETE' then
    perform herald_rollup_apply(${body(`(select -1 as sgn, x.* from o x)`)});
  else
    perform herald_rollup_apply(${body(BOTH)});
  end if;
  return null;
end $$`;
}

export class Migration20261124172500_analytics_lead_stages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`${factFunction('herald_rollup_conversions', (rel) => conversionDeltas(rel, true))};`);
    this.addSql(`${factFunction('herald_rollup_orders', (rel) => orderDeltas(rel, true))};`);
    // Move what is already counted: out at the old key, in at the new one.
    this.addSql(`select herald_rollup_apply(${conversionDeltas('(select -1 as sgn, x.* from conversions x)', false)});`);
    this.addSql(`select herald_rollup_apply(${conversionDeltas('(select 1 as sgn, x.* from conversions x)', true)});`);
    this.addSql(`select herald_rollup_apply(${orderDeltas('(select -1 as sgn, x.* from orders x)', false)});`);
    this.addSql(`select herald_rollup_apply(${orderDeltas('(select 1 as sgn, x.* from orders x)', true)});`);
  }

  override async down(): Promise<void> {
    this.addSql(`select herald_rollup_apply(${conversionDeltas('(select -1 as sgn, x.* from conversions x)', true)});`);
    this.addSql(`select herald_rollup_apply(${conversionDeltas('(select 1 as sgn, x.* from conversions x)', false)});`);
    this.addSql(`select herald_rollup_apply(${orderDeltas('(select -1 as sgn, x.* from orders x)', true)});`);
    this.addSql(`select herald_rollup_apply(${orderDeltas('(select 1 as sgn, x.* from orders x)', false)});`);
    this.addSql(`${factFunction('herald_rollup_conversions', (rel) => conversionDeltas(rel, false))};`);
    this.addSql(`${factFunction('herald_rollup_orders', (rel) => orderDeltas(rel, false))};`);
  }
}
