/**
 * Every campaign metric Herald reports (issue 8 "Metrics"; ARCHITECTURE.md "Analytics"), computed
 * from counts and decimal-string money — the same code for the API and the console. Pure: no I/O,
 * no formatting (the console formats in the company's currency and locale).
 *
 * Conventions, the same everywhere:
 * - a rate whose denominator is 0 is `null` (unknown), never 0 or NaN;
 * - rates are percent numbers rounded half away from zero: engagement rates (delivery, open, click,
 *   click-to-open, bounce, unsubscribe, complaint, CTR) and funnel rates to 2 places, as seed 004
 *   rounds them; ROI %, margin %, conversion rate and target achievement to 1 place, as seed 003
 *   prints them (10.0 %, 260.0 %, 72.2 %); ROI multiple to 2 places (2.60x);
 * - money arrives as decimal strings, is computed exactly and is returned as a decimal string in
 *   the currency's minor unit (41.67 for USD, 42 for JPY);
 * - classifications (tier, flags, recommendations) use the exact values, not the rounded ones.
 */
import { ceilDiv, compareFractions, decimalOf, fraction, money4, moneyOut, moneyPer, percent, type Fraction } from './metrics-exact.ts';

export * from './metrics-funnel.ts';
export * from './metrics-compare.ts';

/** Summed counts and money of any slice of the facts (a campaign, a channel, a day...). */
export interface Totals {
  sent: number;
  delivered: number;
  failed: number;
  bounces: number;
  complaints: number;
  unsubscribes: number;
  /** All human opens, and distinct messages opened (automated prefetches are not counted). */
  opens: number;
  uniqueOpens: number;
  clicks: number;
  uniqueClicks: number;
  impressions: number;
  reach: number;
  leads: number;
  qualifiedLeads: number;
  opportunities: number;
  conversions: number;
  orders: number;
  conversionRevenue: string;
  orderRevenue: string;
  /** conversionRevenue + orderRevenue, each summed on its own (never through a join). */
  revenue: string;
  /** Actual spend: per-message channel cost plus recorded spend — not the budget. */
  cost: string;
}

export const COUNT_FIELDS = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'uniqueOpens', 'clicks', 'uniqueClicks',
  'impressions', 'reach', 'leads', 'qualifiedLeads', 'opportunities', 'conversions', 'orders',
] as const satisfies readonly (keyof Totals)[];
export const MONEY_FIELDS = ['conversionRevenue', 'orderRevenue', 'revenue', 'cost'] as const satisfies readonly (keyof Totals)[];

export function emptyTotals(): Totals {
  const t = Object.fromEntries(COUNT_FIELDS.map((k) => [k, 0])) as unknown as Totals;
  for (const k of MONEY_FIELDS) t[k] = '0.0000';
  return t;
}

/** The sum of several slices, money exact. */
export function sumTotals(rows: readonly Totals[]): Totals {
  const out = emptyTotals();
  const money = Object.fromEntries(MONEY_FIELDS.map((k) => [k, 0n])) as Record<(typeof MONEY_FIELDS)[number], bigint>;
  for (const r of rows) {
    for (const k of COUNT_FIELDS) out[k] += r[k];
    for (const k of MONEY_FIELDS) money[k] += money4(r[k]);
  }
  for (const k of MONEY_FIELDS) out[k] = moneyOut(money[k], 4);
  return out;
}

export interface EngagementRates {
  /** delivered / sent */
  deliveryRate: number | null;
  /** distinct messages opened / delivered */
  openRate: number | null;
  /** distinct messages clicked / delivered */
  clickRate: number | null;
  /** distinct messages clicked / distinct messages opened */
  clickToOpenRate: number | null;
  /** bounces / sent */
  bounceRate: number | null;
  /** unsubscribes / delivered */
  unsubscribeRate: number | null;
  /** complaints / delivered */
  complaintRate: number | null;
  /** clicks / impressions, for channels that report impressions */
  ctr: number | null;
}

export function engagementRates(t: Totals): EngagementRates {
  return {
    deliveryRate: percent(t.delivered, t.sent, 2),
    openRate: percent(t.uniqueOpens, t.delivered, 2),
    clickRate: percent(t.uniqueClicks, t.delivered, 2),
    clickToOpenRate: percent(t.uniqueClicks, t.uniqueOpens, 2),
    bounceRate: percent(t.bounces, t.sent, 2),
    unsubscribeRate: percent(t.unsubscribes, t.delivered, 2),
    complaintRate: percent(t.complaints, t.delivered, 2),
    ctr: percent(t.clicks, t.impressions, 2),
  };
}

export type PerformanceTier = 'High' | 'Good' | 'Standard';

/** (revenue − cost) / cost, exactly; null when nothing was spent. */
export function roiFraction(t: Pick<Totals, 'revenue' | 'cost'>): Fraction | null {
  const cost = money4(t.cost);
  return fraction(money4(t.revenue) - cost, cost);
}

/** Seed 004's tiers on the exact ROI: ≥ 100 % High, ≥ 50 % Good, else Standard; null when ROI is unknown (no cost). */
export function performanceTier(roi: Fraction | null): PerformanceTier | null {
  if (!roi) return null;
  if (compareFractions(roi, { n: 1n, d: 1n }) >= 0) return 'High';
  if (compareFractions(roi, { n: 1n, d: 2n }) >= 0) return 'Good';
  return 'Standard';
}

export interface MoneyMetrics {
  revenue: string;
  conversionRevenue: string;
  orderRevenue: string;
  cost: string;
  /** revenue − cost */
  netProfit: string;
  /** (revenue − cost) / cost × 100, 1 place */
  roiPercent: number | null;
  /** (revenue − cost) / cost, 2 places: seed 003's "2.60x" */
  roiMultiple: number | null;
  /** revenue / cost, 2 places (return on ad spend) */
  returnOnSpend: number | null;
  /** (revenue − cost) / revenue × 100, 1 place */
  marginPercent: number | null;
  /** cost / leads */
  costPerLead: string | null;
  /** cost / conversions (CPA) */
  costPerConversion: string | null;
  /** order revenue / orders */
  averageOrderValue: string | null;
  /** revenue / conversions */
  revenuePerConversion: string | null;
  breakEven: {
    /** The revenue that pays the cost back: the cost itself. */
    revenue: string;
    /** Revenue still missing to break even (0 once reached). */
    remainingRevenue: string;
    /** Conversions needed at the current revenue per conversion: ceil(cost / (revenue / conversions)). */
    conversions: number | null;
  };
  tier: PerformanceTier | null;
}

export function moneyMetrics(t: Totals, exponent: number): MoneyMetrics {
  const revenue = money4(t.revenue);
  const cost = money4(t.cost);
  const roi = roiFraction(t);
  const remaining = cost > revenue ? cost - revenue : 0n;
  return {
    revenue: moneyOut(revenue, exponent),
    conversionRevenue: moneyOut(money4(t.conversionRevenue), exponent),
    orderRevenue: moneyOut(money4(t.orderRevenue), exponent),
    cost: moneyOut(cost, exponent),
    netProfit: moneyOut(revenue - cost, exponent),
    roiPercent: decimalOf(roi, 1, 100n),
    roiMultiple: decimalOf(roi, 2),
    returnOnSpend: decimalOf(fraction(revenue, cost), 2),
    marginPercent: decimalOf(fraction(revenue - cost, revenue), 1, 100n),
    costPerLead: moneyPer(cost, t.leads, exponent),
    costPerConversion: moneyPer(cost, t.conversions, exponent),
    averageOrderValue: moneyPer(money4(t.orderRevenue), t.orders, exponent),
    revenuePerConversion: moneyPer(revenue, t.conversions, exponent),
    breakEven: {
      revenue: moneyOut(cost, exponent),
      remainingRevenue: moneyOut(remaining, exponent),
      conversions: revenue > 0n && t.conversions > 0 ? Number(ceilDiv(cost * BigInt(t.conversions), revenue)) : null,
    },
    tier: performanceTier(roi),
  };
}

export interface ConversionRates {
  /** conversions / leads, 1 place (seed 003's conversion rate) */
  leadConversionRate: number | null;
  /** conversions / clicks, 2 places */
  clickConversionRate: number | null;
  /** qualified leads / leads, 1 place */
  leadQualificationRate: number | null;
}

export function conversionRates(t: Totals): ConversionRates {
  return {
    leadConversionRate: percent(t.conversions, t.leads, 1),
    clickConversionRate: percent(t.conversions, t.clicks, 2),
    leadQualificationRate: percent(t.qualifiedLeads, t.leads, 1),
  };
}

/** Everything about one slice at once: what the API returns for a campaign, a channel, a day. */
export function metricsOf(t: Totals, exponent: number) {
  return { counts: t, engagement: engagementRates(t), conversion: conversionRates(t), money: moneyMetrics(t, exponent) };
}
export type Metrics = ReturnType<typeof metricsOf>;

export interface Targets {
  leads: number;
  conversions: number;
  /** Target ROI in percent, as campaigns store it ("250.00"). */
  roiPercent: string;
}

export interface TargetLine {
  metric: 'leads' | 'conversions' | 'roi';
  /** null when no target was set (0). */
  target: number | null;
  actual: number | null;
  /** actual / target × 100, 1 place; null without a target or an actual. */
  achievementPercent: number | null;
  achieved: boolean | null;
}

/** Target vs actual for leads, conversions and ROI (seed 003: 120/150 → 80 %, ROI 260 %/250 % → 104 %). */
export function targetsVsActual(t: Totals, targets: Targets): TargetLine[] {
  const line = (metric: TargetLine['metric'], actual: bigint, target: number): TargetLine => {
    const f = target > 0 ? fraction(actual, target) : null;
    return { metric, target: target > 0 ? target : null, actual: Number(actual), achievementPercent: decimalOf(f, 1, 100n), achieved: f ? f.n >= f.d : null };
  };
  const roi = roiFraction(t);
  // Target ROI is a 2-place percent: "250.00" → 25000 hundredths of a percent.
  const targetHundredths = money4(targets.roiPercent) / 100n;
  let roiLine: TargetLine;
  if (targetHundredths > 0n && roi) {
    // (roi × 100) / (target / 100) = roi.n × 10 000 / (roi.d × target in hundredths)
    const f = fraction(roi.n * 10_000n, roi.d * targetHundredths)!;
    roiLine = { metric: 'roi', target: Number(targetHundredths) / 100, actual: decimalOf(roi, 1, 100n), achievementPercent: decimalOf(f, 1, 100n), achieved: f.n >= f.d };
  } else {
    roiLine = { metric: 'roi', target: targetHundredths > 0n ? Number(targetHundredths) / 100 : null, actual: decimalOf(roi, 1, 100n), achievementPercent: null, achieved: null };
  }
  return [line('leads', BigInt(t.leads), targets.leads), line('conversions', BigInt(t.conversions), targets.conversions), roiLine];
}
