/**
 * Conversions and orders without a campaign, from their rollup (unattributed_metrics, kept by the
 * triggers of migrations/…_unattributed_rollup.ts): the "unattributed" line of the company totals.
 * Each row keeps the currency its facts were reported in; money is read converted into the
 * company's currency at the rate of its day (analytics-fx.ts), and money without a rate is left
 * out here and listed by readUnattributedUnconverted.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { fxFactor } from './analytics-fx.ts';

export interface UnattributedFigures {
  leads: number;
  conversions: number;
  orders: number;
  conversionRevenue: string;
  orderRevenue: string;
  revenue: string;
}

export interface UnattributedRow extends UnattributedFigures {
  /** As readFacts keys them: the day, the week's Monday (YYYY-MM-DD) or the month (YYYY-MM); null for a total. */
  key: string | null;
}

export function noUnattributed(): UnattributedFigures {
  return { leads: 0, conversions: 0, orders: 0, conversionRevenue: '0.0000', orderRevenue: '0.0000', revenue: '0.0000' };
}

const KEY = { day: `to_char(u.day, 'YYYY-MM-DD')`, week: `to_char(date_trunc('week', u.day), 'YYYY-MM-DD')`, month: `to_char(u.day, 'YYYY-MM')`, total: 'null::text' } as const;
const FROM = `unattributed_metrics u join companies co on co.id = u.company_id
  cross join lateral (select ${fxFactor('u.currency', 'u.day', 'u.company_id', 'co.currency')} as factor) fx`;
const RANGE = `u.company_id = ? and (?::date is null or u.day >= ?::date) and (?::date is null or u.day <= ?::date)`;

/** Totals over [from, to] (local days, inclusive), one row per `by` key (or one total row, possibly all zeros). */
export async function readUnattributed(
  sql: Knex | Knex.Transaction,
  f: { companyId: string; from?: string; to?: string },
  by: keyof typeof KEY = 'total',
): Promise<UnattributedRow[]> {
  const res = await sql.raw<{ rows: { key: string | null; leads: string; conversions: string; orders: string; conversion_revenue: string; order_revenue: string; revenue: string }[] }>(
    `select ${KEY[by]} as key, coalesce(sum(u.leads), 0)::bigint as leads, coalesce(sum(u.conversions), 0)::bigint as conversions, coalesce(sum(u.orders), 0)::bigint as orders,
            coalesce(sum(u.conversion_revenue * fx.factor), 0)::numeric(20,4)::text as conversion_revenue,
            coalesce(sum(u.order_revenue * fx.factor), 0)::numeric(20,4)::text as order_revenue,
            coalesce(sum(u.revenue * fx.factor), 0)::numeric(20,4)::text as revenue
       from ${FROM}
      where ${RANGE}
      ${by === 'total' ? '' : 'group by 1 order by 1'}`,
    [f.companyId, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null],
  );
  return res.rows.map((r) => ({
    key: r.key,
    leads: Number(r.leads),
    conversions: Number(r.conversions),
    orders: Number(r.orders),
    conversionRevenue: r.conversion_revenue,
    orderRevenue: r.order_revenue,
    revenue: r.revenue,
  }));
}

/** Unattributed revenue in a currency without a rate on its days, per currency, in that currency. */
export async function readUnattributedUnconverted(
  sql: Knex | Knex.Transaction,
  f: { companyId: string; from?: string; to?: string },
): Promise<{ currency: string; revenue: string; from: string; to: string }[]> {
  const res = await sql.raw<{ rows: { currency: string; revenue: string; first_day: string; last_day: string }[] }>(
    `select u.currency, sum(u.revenue)::numeric(20,4)::text as revenue,
            to_char(min(u.day), 'YYYY-MM-DD') as first_day, to_char(max(u.day), 'YYYY-MM-DD') as last_day
       from ${FROM}
      where ${RANGE} and fx.factor is null and u.revenue <> 0
      group by u.currency order by u.currency`,
    [f.companyId, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null],
  );
  return res.rows.map((r) => ({ currency: r.currency, revenue: r.revenue, from: r.first_day, to: r.last_day }));
}
