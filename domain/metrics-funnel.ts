/**
 * The two funnels of the seeds, from the same facts.
 *
 * Which counts feed each stage (per channel, then summed — a campaign may mix an e-mail send with a
 * paid-ads line):
 * - impressions / awareness: the impressions a channel reports; a message channel (e-mail, SMS,
 *   push, WhatsApp, webhook) that reports none counts each message sent as one impression;
 * - reach: the reach a channel reports; for a message channel that reports none, messages delivered;
 * - engagement / interest: distinct messages clicked; a channel that reports only raw clicks
 *   (paid ads, social) counts those;
 * - leads / consideration: leads (lead submissions);
 * - opportunities (seed 000): opportunities opened from leads;
 * - intent (seed 003): qualified leads;
 * - conversions / conversion: conversions recorded (CRM conversions and sales).
 *
 * Stage rate = stage / previous stage × 100 (2 places, null after an empty stage); overall
 * efficiency = last stage / first stage × 100; drop-off = previous − stage; the bottleneck is the
 * stage (after the first) with the lowest rate, the earliest on a tie. A stage that is empty while a
 * later one is not is marked not recorded and skipped (see FunnelStage.recorded).
 */
import { CAMPAIGN_CHANNELS } from './campaign-rules.ts';
import { compareFractions, fraction, percent, type Fraction } from './metrics-exact.ts';
import type { Totals } from './metrics.ts';

export type FunnelCounts = Pick<Totals, 'sent' | 'delivered' | 'impressions' | 'reach' | 'clicks' | 'uniqueClicks' | 'leads' | 'qualifiedLeads' | 'opportunities' | 'conversions'>;

/** A slice of the facts for one channel (null: unknown, treated by what it reports). */
export type ChannelCounts = FunnelCounts & { channel: string | null };

const MESSAGE_CHANNELS: readonly string[] = CAMPAIGN_CHANNELS;

/** True for channels Herald sends through; the others (paid ads, social, organic, direct mail) are tracked only. */
export function isMessageChannel(channel: string | null): boolean {
  return channel !== null && MESSAGE_CHANNELS.includes(channel);
}

interface StageCounts {
  impressions: number;
  reach: number;
  engagement: number;
  leads: number;
  qualifiedLeads: number;
  opportunities: number;
  conversions: number;
}

export function stageCounts(rows: readonly ChannelCounts[]): StageCounts {
  const out: StageCounts = { impressions: 0, reach: 0, engagement: 0, leads: 0, qualifiedLeads: 0, opportunities: 0, conversions: 0 };
  for (const r of rows) {
    const sends = isMessageChannel(r.channel) || (r.channel === null && r.sent > 0);
    out.impressions += r.impressions > 0 || !sends ? r.impressions : r.sent;
    out.reach += r.reach > 0 || !sends ? r.reach : r.delivered;
    out.engagement += r.uniqueClicks > 0 ? r.uniqueClicks : r.clicks;
    out.leads += r.leads;
    out.qualifiedLeads += r.qualifiedLeads;
    out.opportunities += r.opportunities;
    out.conversions += r.conversions;
  }
  return out;
}

export interface FunnelStage {
  key: string;
  count: number;
  /**
   * false for a stage that is empty while a later one is not: nothing records it for these
   * channels (e.g. opportunities of a campaign whose CRM reports only deals). It gets no rate, is
   * never the bottleneck, and the next stage is rated against the stage before it.
   */
  recorded: boolean;
  /** stage / previous × 100; null for the first stage and after an empty one. */
  rateFromPrevious: number | null;
  /** previous − stage; null for the first stage. */
  dropOff: number | null;
  /** 100 − rate; null where the rate is. */
  dropOffPercent: number | null;
}

export interface Funnel {
  name: 'performance' | 'journey';
  stages: FunnelStage[];
  /** last / first × 100 */
  overallEfficiency: number | null;
  bottleneck: { stage: string; rateFromPrevious: number } | null;
}

function funnelOf(name: Funnel['name'], stages: [string, number][]): Funnel {
  let worst: { stage: string; rate: Fraction } | null = null;
  const lastCounted = stages.reduce((last, [, count], i) => (count > 0 ? i : last), -1);
  let prev = 0;
  const out: FunnelStage[] = stages.map(([key, count], i) => {
    if (i === 0) return { key, count, recorded: true, rateFromPrevious: null, dropOff: null, dropOffPercent: null };
    // Empty, yet a later stage has people: nothing records this stage for these channels.
    if (count === 0 && i < lastCounted) return { key, count, recorded: false, rateFromPrevious: null, dropOff: null, dropOffPercent: null };
    const before = stages[prev]![1];
    prev = i;
    const rate = fraction(count, before);
    if (rate && (!worst || compareFractions(rate, worst.rate) < 0)) worst = { stage: key, rate };
    return {
      key,
      count,
      recorded: true,
      rateFromPrevious: percent(count, before, 2),
      dropOff: before - count,
      dropOffPercent: percent(before - count, before, 2),
    };
  });
  const first = stages[0]![1];
  const last = stages[stages.length - 1]![1];
  const w = worst as { stage: string; rate: Fraction } | null;
  return {
    name,
    stages: out,
    overallEfficiency: percent(last, first, 2),
    bottleneck: w ? { stage: w.stage, rateFromPrevious: percent(w.rate.n, w.rate.d, 2)! } : null,
  };
}

/** Seed 000: impressions → reach → engagement → leads → opportunities → conversions. */
export function performanceFunnel(rows: readonly ChannelCounts[]): Funnel {
  return performanceFunnelOf(stageCounts(rows));
}

/** Seed 000's funnel from stage counts already derived (the campaign_funnels view's rows). */
export function performanceFunnelOf(s: Pick<StageCounts, 'impressions' | 'reach' | 'engagement' | 'leads' | 'opportunities' | 'conversions'>): Funnel {
  return funnelOf('performance', [
    ['impressions', s.impressions],
    ['reach', s.reach],
    ['engagement', s.engagement],
    ['leads', s.leads],
    ['opportunities', s.opportunities],
    ['conversions', s.conversions],
  ]);
}

/** Seed 003: awareness → interest → consideration → intent → conversion. */
export function journeyFunnel(rows: readonly ChannelCounts[]): Funnel {
  const s = stageCounts(rows);
  return funnelOf('journey', [
    ['awareness', s.impressions],
    ['interest', s.engagement],
    ['consideration', s.leads],
    ['intent', s.qualifiedLeads],
    ['conversion', s.conversions],
  ]);
}
