/**
 * What a company view could not convert into the company's currency: money of a currency that has
 * no exchange rate on its days. It is left out of the converted figures (a 1:1 guess would be
 * silently wrong) and listed here per currency, in that currency, with the days it spans, so the
 * user sees what is missing and which rate to set. Setting it converts the money on the next read.
 */
import { readUnconverted } from '../../db/repositories/analytics.ts';
import { readUnattributedUnconverted } from '../../db/repositories/analytics-unattributed.ts';
import { money4, moneyOut } from '../../domain/metrics-exact.ts';
import { currencyExponent } from '../../domain/currency.ts';
import type { Range } from './query.ts';
import { filterOf, type Scope } from './scope.ts';
import { companyWide } from './unattributed.ts';

export interface NotConverted {
  currency: string;
  /** Campaign revenue (conversions and completed orders) in `currency`. */
  revenue: string;
  /** Campaign cost in `currency`. */
  cost: string;
  /** Revenue without a campaign in `currency`. */
  unattributedRevenue: string;
  /** Budgets of the period's campaigns in `currency` (converted at the rate of the range's last day). */
  budget: string;
  /** The first and last local day with such money (budgets aside). */
  from: string | null;
  to: string | null;
}

/**
 * What a view over `range` left out: its campaigns' money (from the rollup it reads: `retailer` for
 * the retailer leaderboard; only `campaignIds` when given) and the unattributed revenue when the view
 * shows it (`unattributed`). Budgets it could not convert are added by addBudgets.
 */
export async function notConvertedOf(
  s: Scope,
  range: Range | null,
  opts: { unattributed?: boolean; source?: 'facts' | 'retailer'; campaignIds?: string[] } = {},
): Promise<NotConverted[]> {
  const filter = filterOf(s, range, opts.campaignIds ? { campaignIds: opts.campaignIds } : {});
  const [campaigns, lone] = await Promise.all([
    opts.campaignIds?.length === 0 ? [] : readUnconverted(s.sql, filter, opts.source),
    opts.unattributed !== false && companyWide(s) ? readUnattributedUnconverted(s.sql, { companyId: s.companyId, ...(range ? { from: range.from, to: range.to } : {}) }) : [],
  ]);
  const by = new Map<string, { revenue: bigint; cost: bigint; lone: bigint; budget: bigint; from: string | null; to: string | null }>();
  const entry = (currency: string) => {
    let e = by.get(currency);
    if (!e) by.set(currency, (e = { revenue: 0n, cost: 0n, lone: 0n, budget: 0n, from: null, to: null }));
    return e;
  };
  const span = (e: { from: string | null; to: string | null }, from: string, to: string) => {
    e.from = e.from === null || from < e.from ? from : e.from;
    e.to = e.to === null || to > e.to ? to : e.to;
  };
  for (const r of campaigns) {
    const e = entry(r.currency);
    e.revenue += money4(r.revenue);
    e.cost += money4(r.cost);
    span(e, r.from, r.to);
  }
  for (const r of lone) {
    const e = entry(r.currency);
    e.lone += money4(r.revenue);
    span(e, r.from, r.to);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, e]) => {
      const exp = currencyExponent(currency);
      return { currency, revenue: moneyOut(e.revenue, exp), cost: moneyOut(e.cost, exp), unattributedRevenue: moneyOut(e.lone, exp), budget: moneyOut(e.budget, exp), from: e.from, to: e.to };
    });
}

/** `list` (from notConvertedOf, budgets at 0) with each currency's unconverted budget, in that currency, added. */
export function addBudgets(list: NotConverted[], budgets: { currency: string; budget: string }[]): NotConverted[] {
  if (budgets.length === 0) return list;
  const units = new Map<string, bigint>();
  for (const b of budgets) units.set(b.currency, (units.get(b.currency) ?? 0n) + money4(b.budget));
  const out = new Map(list.map((n) => [n.currency, n]));
  for (const [currency, budget] of units) {
    const exp = currencyExponent(currency);
    const zero = moneyOut(0n, exp);
    const n = out.get(currency) ?? { currency, revenue: zero, cost: zero, unattributedRevenue: zero, budget: zero, from: null, to: null };
    out.set(currency, { ...n, budget: moneyOut(budget, exp) });
  }
  return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
