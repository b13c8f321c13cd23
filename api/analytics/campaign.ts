/**
 * One campaign's performance page (seed 003's dashboard, seed 004's campaign page): key metrics,
 * the financial table, both funnels, target vs actual, daily trends, e-mail metrics, clicks per
 * link and per variant. Without dates it covers the campaign's whole life.
 */
import { readLinkClicks } from '../../db/repositories/analytics.ts';
import { readCampaignFunnels, type FunnelPeriod } from '../../db/repositories/analytics-funnels.ts';
import { emptyTotals, journeyFunnel, metricsOf, performanceFunnel, performanceFunnelOf, sumTotals, targetsVsActual, type Totals } from '../../domain/metrics.ts';
import { decimalOf, fraction, money4, moneyOut } from '../../domain/metrics-exact.ts';
import { currencyExponent } from '../../domain/currency.ts';
import { addDays } from './query.ts';
import { campaignMeta, facts, filterOf, totalsOfRow, type Scope } from './scope.ts';

export async function campaignView(company: Scope, id: string) {
  const meta = await campaignMeta(company, id);
  // A campaign's own page is in its own currency, as its budget is: nothing to convert.
  const s: Scope = { ...company, currency: meta.currency, exponent: currencyExponent(meta.currency) };
  const own = { money: 'campaign' } as const;
  const filter = filterOf(s, s.range, { campaignIds: [id] });
  // The region rollup has no variant or link: with a region filter those two stay empty.
  const byRegion = Boolean(s.query.region);
  const [byChannel, byDay, byVariant, links] = await Promise.all([
    facts(s, ['channel'], filter, own),
    facts(s, ['day'], filter, own),
    byRegion ? [] : facts(s, ['variant'], filter, own),
    byRegion ? [] : readLinkClicks(s.sql, { ...filter, campaignId: id }),
  ]);
  const channelRows = byChannel.map((r) => ({ channel: r.keys.channel ?? null, ...totalsOfRow(r) }));
  const all = channelRows.length ? sumTotals(byChannel.map(totalsOfRow)) : emptyTotals();
  const m = metricsOf(all, s.exponent);
  const budget = money4(meta.budget);
  const cost = money4(all.cost);
  return {
    campaign: { id: meta.id, code: meta.code, name: meta.name, status: meta.status, channel: meta.channel, startAt: meta.startAt, endAt: meta.endAt },
    range: s.range,
    currency: s.currency,
    keyMetrics: {
      leads: all.leads,
      conversions: all.conversions,
      roiPercent: m.money.roiPercent,
      costPerLead: m.money.costPerLead,
      leadConversionRate: m.conversion.leadConversionRate,
    },
    financial: {
      budget: moneyOut(budget, s.exponent),
      spent: m.money.cost,
      budgetRemaining: moneyOut(budget - cost, s.exponent),
      budgetUsedPercent: decimalOf(fraction(cost, budget), 1, 100n),
      ...m.money,
    },
    metrics: m,
    funnels: { performance: performanceFunnel(channelRows), journey: journeyFunnel(channelRows) },
    targets: targetsVsActual(all, { leads: meta.targetLeads, conversions: meta.targetConversions, roiPercent: meta.targetRoi }),
    daily: fillDays(
      s,
      byDay.map((r) => ({ key: r.keys.day ?? null, totals: totalsOfRow(r) })),
    ).map((d) => ({ day: d.key, metrics: metricsOf(d.totals, s.exponent) })),
    channels: byChannel.map((r) => ({ key: r.keys.channel ?? null, label: r.keys.channel ?? null, metrics: metricsOf(totalsOfRow(r), s.exponent) })),
    variants: byVariant.map((r) => ({ key: r.keys.variant ?? null, label: r.keys.variant || 'control', metrics: metricsOf(totalsOfRow(r), s.exponent) })),
    links: links.map((l) => ({ linkIndex: l.linkIndex, variant: l.variant, url: l.url, clicks: l.clicks, uniqueClicks: l.uniqueClicks })),
  };
}

/**
 * Seed 000's six-stage funnel per day, week (from Monday) or month, from the campaign_funnels view
 * over the rollups. A range keeps the periods that overlap it, each whole. Only periods with
 * figures are listed.
 */
export async function campaignFunnelsView(s: Scope, id: string, granularity: FunnelPeriod) {
  const meta = await campaignMeta(s, id);
  const rows = await readCampaignFunnels(s.sql, { companyId: s.companyId, campaignId: id, period: granularity, ...(s.range ? { from: s.range.from, to: s.range.to } : {}) });
  return {
    campaign: { id: meta.id, code: meta.code, name: meta.name },
    granularity,
    range: s.range,
    periods: rows.map(({ periodStart, periodEnd, ...stages }) => ({ periodStart, periodEnd, funnel: performanceFunnelOf(stages) })),
  };
}

/** Days with no facts appear with zeros, so a daily chart has no silent gaps (only for bounded ranges). */
export function fillDays(s: Scope, rows: { key: string | null; totals: Totals }[]): { key: string | null; totals: Totals }[] {
  const sorted = [...rows].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  const first = s.range?.from ?? sorted[0]?.key ?? null;
  const last = s.range?.to ?? sorted[sorted.length - 1]?.key ?? null;
  if (!first || !last || first > last || Date.parse(last) - Date.parse(first) > MAX_FILLED_DAYS * 86_400_000) return sorted;
  const byKey = new Map(sorted.map((r) => [r.key, r.totals]));
  const out: { key: string; totals: Totals }[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push({ key: d, totals: byKey.get(d) ?? emptyTotals() });
  return out;
}

const MAX_FILLED_DAYS = 1_100;
