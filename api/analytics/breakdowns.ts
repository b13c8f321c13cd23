/**
 * Time series (day / week / month), breakdowns by region, retailer, user, team, variant, channel and
 * campaign, and the weekday × hour heat map. Retailers are contacts, so their names are personal
 * data: shown only to roles with `pii:read`, otherwise the row keeps its figures and region but no name.
 */
import { readHeatmap, readRetailerLeaderboard, type FactDimension } from '../../db/repositories/analytics.ts';
import { ValidationError } from '../../domain/errors.ts';
import { emptyTotals, metricsOf } from '../../domain/metrics.ts';
import { noUnattributed } from '../../db/repositories/analytics-unattributed.ts';
import { lineOf, unattributedBy } from './unattributed.ts';
import { compareFractions, decimalOf, fraction, money4, moneyOut } from '../../domain/metrics-exact.ts';
import { apportion } from '../../domain/apportion.ts';
import type { FactRow } from '../../db/repositories/analytics.ts';
import { fillDays } from './campaign.ts';
import { notConvertedOf } from './currency.ts';
import { facts, totalsOfRow, filterOf, type Scope } from './scope.ts';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const BREAKDOWNS = ['region', 'retailer', 'user', 'team', 'variant', 'channel', 'campaign'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/**
 * Each point carries the campaigns' metrics and, for a view of the whole company, the unattributed
 * line (conversions and orders without a campaign) of the same period; a period with only
 * unattributed facts appears with zero campaign figures.
 */
export async function timeseriesView(s: Scope, granularity: Granularity) {
  const [facted, lone, notConverted] = await Promise.all([facts(s, [granularity]), unattributedBy(s, granularity), notConvertedOf(s, s.range)]);
  const rows = facted.map((r) => ({ key: r.keys[granularity] ?? null, totals: totalsOfRow(r) }));
  const seen = new Set(rows.map((r) => r.key));
  for (const key of lone?.keys() ?? []) if (!seen.has(key)) rows.push({ key, totals: emptyTotals() });
  const points = granularity === 'day' ? fillDays(s, rows) : rows.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  return {
    range: s.range,
    currency: s.currency,
    granularity,
    items: points.map((p) => ({
      key: p.key,
      label: p.key,
      metrics: metricsOf(p.totals, s.exponent),
      unattributed: lone ? lineOf((p.key ? lone.get(p.key) : undefined) ?? noUnattributed(), s.exponent) : null,
    })),
    notConverted,
  };
}

/** Names for the keys of a breakdown, read in one query per dimension. */
async function labels(s: Scope, dimension: 'user' | 'team' | 'campaign', ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const table = { user: 'users', team: 'teams', campaign: 'campaigns' }[dimension];
  const res = await s.sql.raw<{ rows: { id: string; name: string }[] }>(`select id, name from ${table} where company_id = ? and id = any(?::uuid[])`, [s.companyId, ids as never]);
  return new Map(res.rows.map((r) => [r.id, r.name]));
}

export interface BreakdownItem {
  key: string | null;
  label: string | null;
  region?: string | null;
  /** A retailer's name was withheld: the caller lacks pii:read. */
  masked?: boolean;
  metrics: ReturnType<typeof metricsOf>;
  /** Regions only: the region's cost with each campaign's cost that has no region shared out, and the ROI on it. */
  sharedSpend?: { cost: string; roiPercent: number | null };
}

/**
 * Cost per region with each campaign's cost that has no region (media, production, agency spend;
 * tracked channels' spend) shared over the regions by the messages the campaign sent to each, in
 * whole 1/10 000 units that add up exactly. A campaign that sent to no region keeps its cost under
 * no region (`null`). Without this a region's ROI weighs its revenue against its message cost alone.
 */
export function sharedCostByRegion(byCampaignAndRegion: readonly FactRow[]): Map<string | null, bigint> {
  const cost = new Map<string | null, bigint>();
  const add = (region: string | null, units: bigint) => cost.set(region, (cost.get(region) ?? 0n) + units);
  const campaigns = new Map<string, { loose: bigint; sent: Map<string, bigint> }>();
  for (const r of byCampaignAndRegion) {
    const region = r.keys.region ?? null;
    add(region, money4(r.cost));
    const c = campaigns.get(r.keys.campaign ?? '') ?? { loose: 0n, sent: new Map<string, bigint>() };
    campaigns.set(r.keys.campaign ?? '', c);
    if (region === null) c.loose += money4(r.cost);
    else c.sent.set(region, (c.sent.get(region) ?? 0n) + BigInt(r.sent));
  }
  for (const c of campaigns.values()) {
    if (c.loose === 0n) continue;
    const parts = apportion(c.loose, c.sent);
    if (parts.size === 0) continue;
    add(null, -c.loose);
    for (const [region, units] of parts) add(region, units);
  }
  return cost;
}

export const RETAILER_RANKINGS = ['revenue', 'clickRate'] as const;

/** Retailers come ranked by the leaderboard (`rank`: revenue, or seed 004's click rate); other keys by revenue, then unique clicks. */
export async function breakdownView(s: Scope, dimension: Breakdown, rank: (typeof RETAILER_RANKINGS)[number] = 'revenue') {
  if (dimension === 'variant' && s.query.region) throw ValidationError.field('query.region', 'variants cannot be broken down by region: leave region out');
  let items: BreakdownItem[];
  const notConverted = notConvertedOf(s, s.range, { unattributed: false, source: dimension === 'retailer' ? 'retailer' : 'facts' });
  // Awaited at the end; a read below that throws first must not leave this one's failure unhandled.
  void notConverted.catch(() => undefined);
  if (dimension === 'retailer') {
    const rows = await readRetailerLeaderboard(s.sql, filterOf(s), rank);
    items = rows.map((r) => ({
      key: r.contactId,
      label: s.pii ? r.name : null,
      region: r.region || null,
      masked: !s.pii,
      metrics: metricsOf(totalsOfRow(r), s.exponent),
    }));
  } else {
    // A region's shared cost counts every region its campaigns sent to, even when the page shows only some.
    const [rows, perCampaign] = await Promise.all([facts(s, [dimension as FactDimension]), dimension === 'region' ? facts(s, ['campaign', 'region'], { ...filterOf(s), regions: undefined }) : null]);
    const shared = perCampaign ? sharedCostByRegion(perCampaign) : null;
    const keys = rows.map((r) => r.keys[dimension as FactDimension]).filter((k): k is string => Boolean(k));
    const names = dimension === 'user' || dimension === 'team' || dimension === 'campaign' ? await labels(s, dimension, keys) : null;
    items = rows.map((r) => {
      const key = r.keys[dimension as FactDimension] ?? null;
      const label = names ? (key ? (names.get(key) ?? null) : null) : dimension === 'variant' ? key || 'control' : key || null;
      const item: BreakdownItem = { key, label, metrics: metricsOf(totalsOfRow(r), s.exponent) };
      if (shared) {
        const cost = shared.get(key) ?? 0n;
        item.sharedSpend = { cost: moneyOut(cost, s.exponent), roiPercent: decimalOf(fraction(money4(r.revenue) - cost, cost), 1, 100n) };
      }
      return item;
    });
  }
  if (dimension !== 'retailer') {
    items.sort((a, b) => {
      const byRevenue = compareFractions({ n: money4(b.metrics.money.revenue), d: 1n }, { n: money4(a.metrics.money.revenue), d: 1n });
      return byRevenue || b.metrics.counts.uniqueClicks - a.metrics.counts.uniqueClicks || (a.label ?? '').localeCompare(b.label ?? '');
    });
  }
  return { range: s.range, currency: s.currency, dimension, items, notConverted: await notConverted };
}

export async function heatmapView(s: Scope) {
  if (s.query.region) throw ValidationError.field('query.region', 'the heat map has no region breakdown: leave region out');
  const cells = await readHeatmap(s.sql, filterOf(s));
  return {
    range: s.range,
    timeZone: s.timeZone,
    cells: cells.map((c) => ({ weekday: c.weekday, hour: c.hour, opens: c.opens, clicks: c.clicks })),
  };
}
