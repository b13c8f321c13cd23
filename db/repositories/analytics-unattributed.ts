/**
 * Conversions and orders without a campaign, from their rollup (unattributed_metrics, kept by the
 * triggers of migrations/…_unattributed_rollup.ts): the "unattributed" line of the company totals.
 */
import type { Knex } from '@mikro-orm/postgresql';

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

const KEY = { day: `to_char(day, 'YYYY-MM-DD')`, week: `to_char(date_trunc('week', day), 'YYYY-MM-DD')`, month: `to_char(day, 'YYYY-MM')`, total: 'null::text' } as const;

/** Totals over [from, to] (local days, inclusive), one row per `by` key (or one total row, possibly all zeros). */
export async function readUnattributed(
  sql: Knex | Knex.Transaction,
  f: { companyId: string; from?: string; to?: string },
  by: keyof typeof KEY = 'total',
): Promise<UnattributedRow[]> {
  const res = await sql.raw<{ rows: { key: string | null; leads: string; conversions: string; orders: string; conversion_revenue: string; order_revenue: string; revenue: string }[] }>(
    `select ${KEY[by]} as key, coalesce(sum(leads), 0)::bigint as leads, coalesce(sum(conversions), 0)::bigint as conversions, coalesce(sum(orders), 0)::bigint as orders,
            coalesce(sum(conversion_revenue), 0)::numeric(20,4)::text as conversion_revenue, coalesce(sum(order_revenue), 0)::numeric(20,4)::text as order_revenue,
            coalesce(sum(revenue), 0)::numeric(20,4)::text as revenue
       from unattributed_metrics
      where company_id = ? and (?::date is null or day >= ?::date) and (?::date is null or day <= ?::date)
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
