/**
 * The "unattributed" line of the company totals: conversions and orders that came without a
 * campaign, read from their rollup. They belong to the company, not to any campaign, channel,
 * region, team or user, so a view narrowed by any of those filters has no such line (null). They
 * are never folded into a campaign figure or the ROI, which stay what the campaigns earned.
 */
import { readUnattributed, type UnattributedFigures } from '../../db/repositories/analytics-unattributed.ts';
import { money4, moneyOut } from '../../domain/metrics-exact.ts';
import type { Range } from './query.ts';
import type { Scope } from './scope.ts';

export interface UnattributedLine {
  leads: number;
  conversions: number;
  orders: number;
  /** Conversions' value plus completed orders' value, in the company's currency. */
  revenue: string;
}

/** True when no filter narrows the view below the company. */
export function companyWide(s: Scope): boolean {
  const q = s.query;
  return !q.campaign?.length && !q.channel?.length && !q.region?.length && !q.team?.length && !q.user?.length;
}

export function lineOf(u: UnattributedFigures, exponent: number): UnattributedLine {
  return { leads: u.leads, conversions: u.conversions, orders: u.orders, revenue: moneyOut(money4(u.revenue), exponent) };
}

/** The period's totals, or null when the view is narrowed (see companyWide). */
export async function unattributedTotal(s: Scope, range: Range | null = s.range): Promise<UnattributedFigures | null> {
  if (!companyWide(s)) return null;
  const [row] = await readUnattributed(s.sql, { companyId: s.companyId, ...(range ? { from: range.from, to: range.to } : {}) });
  return row!;
}

/** Per day / week / month key, or null when the view is narrowed. */
export async function unattributedBy(s: Scope, by: 'day' | 'week' | 'month'): Promise<Map<string, UnattributedFigures> | null> {
  if (!companyWide(s)) return null;
  const rows = await readUnattributed(s.sql, { companyId: s.companyId, ...(s.range ? { from: s.range.from, to: s.range.to } : {}) }, by);
  return new Map(rows.map((r) => [r.key!, r]));
}
