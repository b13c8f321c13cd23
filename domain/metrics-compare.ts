/**
 * Comparisons across campaigns and channels (seed 003 "Channel Performance", "Campaign Comparison",
 * "Recommendations Engine").
 *
 * - By channel: total leads, pooled ROI ((Σ revenue − Σ cost) / Σ cost), the average of the
 *   campaigns' own ROIs (unweighted, campaigns without cost left out) and cost efficiency = cost
 *   per lead (Σ cost / Σ leads; lower is better).
 * - Rankings by ROI (high first), lead conversion rate (high first) and cost per lead (low first);
 *   a campaign whose value is unknown (no cost, no leads) is listed after the ranked ones, unranked.
 * - Flags: a best performer is among the top three by ROI with ROI ≥ 100 % (the High tier); an
 *   underperformer loses money (ROI < 0) or converts leads at under half the portfolio's rate.
 * - Recommendations carry the figures that triggered them; thresholds are options with defaults:
 *   pause a campaign whose complaints / delivered passes 0.3 %; warn on ROI < 0; scale a winner
 *   (High tier and above the portfolio's pooled ROI); move budget from the channel with the lowest
 *   pooled ROI to the highest when they are 25 points or more apart.
 */
import { compareFractions, decimalOf, fraction, meanOf, money4, moneyOut, moneyPer, type Fraction } from './metrics-exact.ts';
import { roiFraction, sumTotals, type Totals } from './metrics.ts';

export interface CampaignFigures {
  campaignId: string;
  name: string;
  /** The campaign's primary channel. */
  channel: string;
  totals: Totals;
}

export interface ChannelComparison {
  channel: string;
  campaigns: number;
  leads: number;
  conversions: number;
  revenue: string;
  cost: string;
  roiPercent: number | null;
  averageRoiPercent: number | null;
  costPerLead: string | null;
  costPerConversion: string | null;
}

function byChannel<T extends { channel: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const list = out.get(i.channel);
    if (list) list.push(i);
    else out.set(i.channel, [i]);
  }
  return out;
}

/** Per channel, from per-channel totals (`totals`) and the campaigns that run on it (`campaigns`). */
export function compareChannels(channels: readonly { channel: string; totals: Totals }[], campaigns: readonly CampaignFigures[], exponent: number): ChannelComparison[] {
  const perChannel = byChannel(campaigns);
  return channels
    .map(({ channel, totals: t }) => {
      const roi = roiFraction(t);
      const own = (perChannel.get(channel) ?? []).map((c) => roiFraction(c.totals)).filter((f): f is Fraction => f !== null);
      return {
        channel,
        campaigns: perChannel.get(channel)?.length ?? 0,
        leads: t.leads,
        conversions: t.conversions,
        revenue: moneyOut(money4(t.revenue), exponent),
        cost: moneyOut(money4(t.cost), exponent),
        roiPercent: decimalOf(roi, 1, 100n),
        averageRoiPercent: decimalOf(meanOf(own), 1, 100n),
        costPerLead: moneyPer(money4(t.cost), t.leads, exponent),
        costPerConversion: moneyPer(money4(t.cost), t.conversions, exponent),
      };
    })
    .sort((a, b) => b.leads - a.leads || a.channel.localeCompare(b.channel));
}

export interface RankingEntry {
  campaignId: string;
  name: string;
  rank: number | null;
  value: number | string | null;
}

export type RankingKey = 'roi' | 'conversionRate' | 'costEfficiency';

interface Keyed {
  c: CampaignFigures;
  f: Fraction | null;
}

function rank(items: Keyed[], higherIsBetter: boolean, show: (k: Keyed) => number | string | null): RankingEntry[] {
  const known = items.filter((i) => i.f).sort((a, b) => (higherIsBetter ? -1 : 1) * compareFractions(a.f!, b.f!) || a.c.name.localeCompare(b.c.name));
  const unknown = items.filter((i) => !i.f).sort((a, b) => a.c.name.localeCompare(b.c.name));
  return [
    ...known.map((k, i) => ({ campaignId: k.c.campaignId, name: k.c.name, rank: i + 1, value: show(k) })),
    ...unknown.map((k) => ({ campaignId: k.c.campaignId, name: k.c.name, rank: null, value: null })),
  ];
}

export interface CampaignFlag {
  campaignId: string;
  name: string;
  best: boolean;
  underperformer: boolean;
  /** Why: 'roi_high', 'roi_negative', 'low_conversion'. */
  reasons: string[];
}

export interface Comparison {
  rankings: Record<RankingKey, RankingEntry[]>;
  flags: CampaignFlag[];
}

const conversionFraction = (t: Totals) => fraction(t.conversions, t.leads);

export function compareCampaigns(campaigns: readonly CampaignFigures[], exponent: number): Comparison {
  const roi = campaigns.map((c) => ({ c, f: roiFraction(c.totals) }));
  const conv = campaigns.map((c) => ({ c, f: conversionFraction(c.totals) }));
  const cpl = campaigns.map((c) => ({ c, f: fraction(money4(c.totals.cost), c.totals.leads) }));
  const rankings = {
    roi: rank(roi, true, (k) => decimalOf(k.f, 1, 100n)),
    conversionRate: rank(conv, true, (k) => decimalOf(k.f, 1, 100n)),
    costEfficiency: rank(cpl, false, (k) => moneyPer(money4(k.c.totals.cost), k.c.totals.leads, exponent)),
  };
  const portfolio = conversionFraction(sumTotals(campaigns.map((c) => c.totals)));
  const top = new Set(rankings.roi.slice(0, 3).filter((e) => e.rank !== null).map((e) => e.campaignId));
  const flags = campaigns.map((c): CampaignFlag => {
    const r = roiFraction(c.totals);
    const cr = conversionFraction(c.totals);
    const reasons: string[] = [];
    const best = top.has(c.campaignId) && r !== null && r.n >= r.d;
    if (best) reasons.push('roi_high');
    if (r && r.n < 0n) reasons.push('roi_negative');
    // Under half the portfolio's conversion rate: cr < portfolio / 2.
    if (cr && portfolio && portfolio.n > 0n && compareFractions({ n: cr.n * 2n, d: cr.d }, portfolio) < 0) reasons.push('low_conversion');
    return { campaignId: c.campaignId, name: c.name, best, underperformer: reasons.some((x) => x !== 'roi_high'), reasons };
  });
  return { rankings, flags };
}

export interface RecommendationOptions {
  /** Pause when complaints / delivered passes this percent (Gmail's bulk-sender limit is 0.3 %). */
  complaintRatePercent: string;
  /** Reallocate when the best channel's pooled ROI beats the worst one's by at least this many points. */
  reallocateGapPoints: number;
}

export const DEFAULT_RECOMMENDATION_OPTIONS: RecommendationOptions = { complaintRatePercent: '0.3', reallocateGapPoints: 25 };

export type RecommendationKind = 'pause_complaints' | 'negative_roi' | 'reallocate_budget' | 'scale_winner';

export interface Recommendation {
  kind: RecommendationKind;
  priority: 'high' | 'medium' | 'low';
  campaignId: string | null;
  channel: string | null;
  /** The figures that triggered it, by name. */
  figures: Record<string, number | string | null>;
}

export function recommend(
  campaigns: readonly CampaignFigures[],
  channels: readonly ChannelComparison[],
  exponent: number,
  options: RecommendationOptions = DEFAULT_RECOMMENDATION_OPTIONS,
): Recommendation[] {
  const out: Recommendation[] = [];
  // The threshold as a fraction of 1: "0.3" percent → 3 / 1000.
  const limit = fraction(money4(options.complaintRatePercent), 1_000_000n)!;
  const portfolioRoi = roiFraction(sumTotals(campaigns.map((c) => c.totals)));
  for (const c of campaigns) {
    const t = c.totals;
    const complaints = fraction(t.complaints, t.delivered);
    if (complaints && compareFractions(complaints, limit) > 0) {
      out.push({
        kind: 'pause_complaints',
        priority: 'high',
        campaignId: c.campaignId,
        channel: c.channel,
        figures: { complaints: t.complaints, delivered: t.delivered, complaintRate: decimalOf(complaints, 2, 100n), thresholdPercent: Number(options.complaintRatePercent) },
      });
    }
    const roi = roiFraction(t);
    if (roi && roi.n < 0n) {
      out.push({
        kind: 'negative_roi',
        priority: 'high',
        campaignId: c.campaignId,
        channel: c.channel,
        figures: { roiPercent: decimalOf(roi, 1, 100n), revenue: moneyOut(money4(t.revenue), exponent), cost: moneyOut(money4(t.cost), exponent), netProfit: moneyOut(money4(t.revenue) - money4(t.cost), exponent) },
      });
    }
    // A winner: High tier, and beating the portfolio's pooled ROI.
    if (roi && roi.n >= roi.d && portfolioRoi && compareFractions(roi, portfolioRoi) > 0) {
      out.push({
        kind: 'scale_winner',
        priority: 'medium',
        campaignId: c.campaignId,
        channel: c.channel,
        figures: { roiPercent: decimalOf(roi, 1, 100n), portfolioRoiPercent: decimalOf(portfolioRoi, 1, 100n), leadConversionRate: decimalOf(conversionFraction(t), 1, 100n) },
      });
    }
  }
  const rated = channels.filter((c) => c.roiPercent !== null);
  if (rated.length >= 2) {
    const best = rated.reduce((a, b) => (b.roiPercent! > a.roiPercent! ? b : a));
    const worst = rated.reduce((a, b) => (b.roiPercent! < a.roiPercent! ? b : a));
    const gap = best.roiPercent! - worst.roiPercent!;
    if (best !== worst && gap >= options.reallocateGapPoints) {
      out.push({
        kind: 'reallocate_budget',
        priority: 'medium',
        campaignId: null,
        channel: best.channel,
        figures: { fromChannel: worst.channel, fromRoiPercent: worst.roiPercent, fromCost: worst.cost, toChannel: best.channel, toRoiPercent: best.roiPercent, gapPoints: Math.round(gap * 10) / 10 },
      });
    }
  }
  const order = { high: 0, medium: 1, low: 2 } as const;
  return out.sort((a, b) => order[a.priority] - order[b.priority]);
}
