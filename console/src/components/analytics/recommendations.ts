/** A recommendation from the API written as a sentence with the figures that triggered it. */
import type { Formatter } from './format.ts';
import { channelLabel } from './labels.ts';
import type { Recommendation } from './types.ts';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function recommendationText(r: Recommendation, campaignName: string | null, f: Formatter): { title: string; detail: string } {
  const x = r.figures;
  const who = campaignName ?? 'A campaign';
  switch (r.kind) {
    case 'pause_complaints':
      return { title: `Pause ${who}: too many complaints`, detail: `${f.count(num(x.complaints))} complaints out of ${f.count(num(x.delivered))} delivered (${f.rate(num(x.complaintRate))}, above the ${f.rate(num(x.thresholdPercent))} limit).` };
    case 'negative_roi':
      return { title: `Review ${who}: it lost money`, detail: `ROI ${f.rate(num(x.roiPercent))}: revenue ${f.money(x.revenue === null ? null : String(x.revenue))} against cost ${f.money(x.cost === null ? null : String(x.cost))}, net ${f.money(x.netProfit === null ? null : String(x.netProfit))}.` };
    case 'scale_winner':
      return { title: `Scale up ${who}`, detail: `ROI ${f.rate(num(x.roiPercent))} beats the portfolio's ${f.rate(num(x.portfolioRoiPercent))}; ${f.rate(num(x.leadConversionRate))} of its leads convert.` };
    case 'reallocate_budget':
      return {
        title: `Move budget from ${channelLabel(String(x.fromChannel))} to ${channelLabel(String(x.toChannel))}`,
        detail: `${channelLabel(String(x.toChannel))} returns ROI ${f.rate(num(x.toRoiPercent))}, ${channelLabel(String(x.fromChannel))} ${f.rate(num(x.fromRoiPercent))} on ${f.money(x.fromCost === null ? null : String(x.fromCost))} spent: a gap of ${f.delta(num(x.gapPoints), 'rate').replace(/^\+/, '')}.`,
      };
  }
}
