/**
 * The analytics views across campaigns: dashboard summary with deltas, campaign overview cards,
 * channel comparison, rankings and recommendations. Each is a plain object that the JSON route
 * returns and the CSV export turns into a table (tables.ts), so both always agree.
 */
import {
  compareCampaigns,
  compareChannels,
  emptyTotals,
  engagementRates,
  isMessageChannel,
  metricsOf,
  moneyMetrics,
  recommend,
  roiFraction,
  sumTotals,
  type CampaignFigures,
  type Totals,
} from '../../domain/metrics.ts';
import { compareFractions, decimalOf, fraction, meanOf, money4, moneyOut, type Fraction } from '../../domain/metrics-exact.ts';
import { previousOf, type Range } from './query.ts';
import { campaignsWithFacts } from '../../db/repositories/analytics.ts';
import { campaignsIn, facts, filterOf, totalsOfRow, type CampaignMeta, type Scope } from './scope.ts';
import { lineOf, unattributedTotal } from './unattributed.ts';
import { addBudgets, notConvertedOf } from './currency.ts';
import { fxFactor } from '../../db/repositories/analytics-fx.ts';
import { currencyExponent } from '../../domain/currency.ts';

export interface Kpi {
  value: number | string | null;
  previous: number | string | null;
  /** value − previous: a count, a money string, or percentage points for a rate. */
  change: number | string | null;
  /** (value − previous) / previous × 100, 1 place; null when previous is 0 or unknown. */
  changePercent: number | null;
}

function countKpi(value: number, previous: number): Kpi {
  return { value, previous, change: value - previous, changePercent: decimalOf(fraction(value - previous, previous), 1, 100n) };
}

function rateKpi(value: number | null, previous: number | null): Kpi {
  const change = value === null || previous === null ? null : Math.round((value - previous) * 100) / 100;
  return { value, previous, change, changePercent: null };
}

function moneyKpi(value: string, previous: string, exponent: number): Kpi {
  const v = money4(value);
  const p = money4(previous);
  return { value: moneyOut(v, exponent), previous: moneyOut(p, exponent), change: moneyOut(v - p, exponent), changePercent: decimalOf(fraction(v - p, p), 1, 100n) };
}

/**
 * Σ budget of the campaigns within the filters (campaign, channel, owner, owner's team) whose schedule
 * overlaps the range, or that have figures in it (a campaign sent ahead of its schedule spends in a
 * period its dates do not cover, and its spend must not stand against no budget): the second found
 * by the same subquery as the period's per-campaign read, so both run at once.
 * A budget is in its campaign's currency: it is converted at the rate of the range's last day, and
 * one in a currency without a rate then is left out and listed (`unconverted`), never taken 1:1.
 */
async function budgetOf(s: Scope, range: Range): Promise<{ budget: string; unconverted: { currency: string; budget: string }[] }> {
  const q = s.query;
  const list = (v: string[] | undefined) => (v ?? null) as never;
  const active = campaignsWithFacts(filterOf(s, range));
  const res = await s.sql.raw<{ rows: { currency: string; budget: string; converted: string | null }[] }>(
    `select c.currency, sum(c.total_budget)::numeric(20,4)::text as budget, (sum(c.total_budget) * fx.factor)::numeric(20,4)::text as converted
       from campaigns c join companies co on co.id = c.company_id
       cross join lateral (select ${fxFactor('c.currency', '?::date', 'c.company_id', 'co.currency')} as factor) fx
       left join users u on u.id = c.created_by_id
      where c.company_id = ? and c.deleted_at is null and ((c.start_at < (?::date + 1) and c.end_at >= ?::date) or c.id in (${active.sql}))
        and (?::uuid[] is null or c.id = any(?::uuid[])) and (?::text[] is null or c.primary_channel = any(?::text[]))
        and (?::uuid[] is null or c.created_by_id = any(?::uuid[])) and (?::uuid[] is null or u.team_id = any(?::uuid[]))
      group by c.currency, fx.factor order by c.currency`,
    [range.to, s.companyId, range.to, range.from, ...active.bindings, list(q.campaign), list(q.campaign), list(q.channel), list(q.channel), list(q.user), list(q.user), list(q.team), list(q.team)],
  );
  const budget = res.rows.reduce((sum, r) => sum + (r.converted === null ? 0n : money4(r.converted)), 0n);
  const unconverted = res.rows.filter((r) => r.converted === null).map((r) => ({ currency: r.currency, budget: r.budget }));
  return { budget: moneyOut(budget, 4), unconverted };
}

export async function summaryView(s: Scope) {
  const range = s.range!;
  const prev = previousOf(range);
  // One round of independent reads: the totals are the sum of the per-campaign rows, and the budget
  // finds the campaigns with figures by the same subquery instead of waiting for those rows.
  const [campaignsNow, campaignsBefore, loneNow, loneBefore, budgetsNow, budgetsBefore, leftOut] = await Promise.all([
    facts(s, ['campaign'], filterOf(s, range)),
    facts(s, ['campaign'], filterOf(s, prev)),
    unattributedTotal(s, range),
    unattributedTotal(s, prev),
    budgetOf(s, range),
    budgetOf(s, prev),
    notConvertedOf(s, range),
  ]);
  const [budgetNow, budgetBefore] = [budgetsNow.budget, budgetsBefore.budget];
  const now = sumTotals(campaignsNow.map(totalsOfRow));
  const before = sumTotals(campaignsBefore.map(totalsOfRow));
  const e = engagementRates(now);
  const ep = engagementRates(before);
  const m = moneyMetrics(now, s.exponent);
  const mp = moneyMetrics(before, s.exponent);
  const used = (cost: string, budget: string) => decimalOf(fraction(money4(cost), money4(budget)), 1, 100n);
  return {
    range,
    previous: prev,
    currency: s.currency,
    kpis: {
      activeCampaigns: countKpi(campaignsNow.length, campaignsBefore.length),
      sent: countKpi(now.sent, before.sent),
      delivered: countKpi(now.delivered, before.delivered),
      deliveryRate: rateKpi(e.deliveryRate, ep.deliveryRate),
      openRate: rateKpi(e.openRate, ep.openRate),
      clickRate: rateKpi(e.clickRate, ep.clickRate),
      leads: countKpi(now.leads, before.leads),
      conversions: countKpi(now.conversions, before.conversions),
      revenue: moneyKpi(now.revenue, before.revenue, s.exponent),
      spend: moneyKpi(now.cost, before.cost, s.exponent),
      budget: moneyKpi(budgetNow, budgetBefore, s.exponent),
      budgetUsedPercent: rateKpi(used(now.cost, budgetNow), used(before.cost, budgetBefore)),
      roiPercent: rateKpi(m.roiPercent, mp.roiPercent),
    },
    // Facts without a campaign, beside the campaigns' figures (never in their revenue or ROI);
    // companyRevenue is both together. Null when a filter narrows the view below the company.
    unattributed:
      loneNow && loneBefore
        ? {
            leads: countKpi(loneNow.leads, loneBefore.leads),
            conversions: countKpi(loneNow.conversions, loneBefore.conversions),
            orders: countKpi(loneNow.orders, loneBefore.orders),
            revenue: moneyKpi(loneNow.revenue, loneBefore.revenue, s.exponent),
            companyRevenue: moneyKpi(addMoney(now.revenue, loneNow.revenue), addMoney(before.revenue, loneBefore.revenue), s.exponent),
          }
        : null,
    // Money of the period in a currency with no rate on its days: left out of every figure above.
    notConverted: addBudgets(leftOut, budgetsNow.unconverted),
  };
}

const addMoney = (a: string, b: string) => moneyOut(money4(a) + money4(b), 4);

export interface CampaignLine {
  meta: CampaignMeta;
  totals: Totals;
}

/** Every campaign in the scope with its totals (zero for those without facts yet). */
export async function campaignLines(s: Scope): Promise<CampaignLine[]> {
  const rows = await facts(s, ['campaign']);
  const byId = new Map(rows.map((r) => [r.keys.campaign ?? '', totalsOfRow(r)]));
  const metas = await campaignsIn(s, [...byId.keys()].filter(Boolean));
  return metas.map((meta) => ({ meta, totals: byId.get(meta.id) ?? emptyTotals() }));
}

const figuresOf = (lines: CampaignLine[]): CampaignFigures[] => lines.map((l) => ({ campaignId: l.meta.id, name: l.meta.name, channel: l.meta.channel, totals: l.totals }));

export type OverviewSort = 'roi' | 'revenue' | 'name' | 'start';

export async function overviewView(s: Scope, opts: { status?: string[]; sort: OverviewSort; page: number; pageSize: number }) {
  let [lines, notConverted] = await Promise.all([campaignLines(s), notConvertedOf(s, s.range, { unattributed: false })]);
  if (opts.status?.length) {
    const kept = new Set((lines = lines.filter((l) => opts.status!.includes(l.meta.status))).map((l) => l.meta.id));
    // Left out only what the cards shown would have counted: the campaigns of the status asked for.
    if (notConverted.length) notConverted = await notConvertedOf(s, s.range, { unattributed: false, campaignIds: [...kept] });
  }
  // A card's budget without a rate on the range's last day is shown as 0: listed here in its currency.
  notConverted = addBudgets(
    notConverted,
    lines.filter((l) => l.meta.companyBudget === null).map((l) => ({ currency: l.meta.currency, budget: l.meta.budget })),
  );
  // Sorting needs only ROI and revenue; the full metrics are computed for the cards shown.
  const entries = lines.map((l) => ({ l, roi: roiFraction(l.totals), revenue: money4(l.totals.revenue) }));
  type Entry = (typeof entries)[number];
  // High ROI first; campaigns without an ROI (nothing spent) last.
  const byRoi = (a: Entry, b: Entry) => (a.roi && b.roi ? compareFractions(b.roi, a.roi) : a.roi ? -1 : b.roi ? 1 : 0);
  const sorters: Record<OverviewSort, (a: Entry, b: Entry) => number> = {
    roi: byRoi,
    revenue: (a, b) => (a.revenue === b.revenue ? 0 : a.revenue < b.revenue ? 1 : -1),
    name: (a, b) => a.l.meta.name.localeCompare(b.l.meta.name),
    start: (a, b) => a.l.meta.startAt.localeCompare(b.l.meta.startAt),
  };
  entries.sort((a, b) => sorters[opts.sort](a, b) || a.l.meta.name.localeCompare(b.l.meta.name) || a.l.meta.id.localeCompare(b.l.meta.id));
  const card = ({ l }: Entry) => {
    const m = metricsOf(l.totals, s.exponent);
    return {
      campaignId: l.meta.id,
      code: l.meta.code,
      name: l.meta.name,
      status: l.meta.status,
      channel: l.meta.channel,
      startAt: l.meta.startAt,
      endAt: l.meta.endAt,
      // In the company's currency (left out, 0, without a rate); ownBudget in the campaign's.
      budget: moneyOut(money4(l.meta.companyBudget ?? '0'), s.exponent),
      currency: l.meta.currency,
      ownBudget: moneyOut(money4(l.meta.budget), currencyExponent(l.meta.currency)),
      roiPercent: m.money.roiPercent,
      tier: m.money.tier,
      revenue: m.money.revenue,
      cost: m.money.cost,
      leads: l.totals.leads,
      conversions: l.totals.conversions,
      sent: l.totals.sent,
      delivered: l.totals.delivered,
      deliveryRate: m.engagement.deliveryRate,
      openRate: m.engagement.openRate,
      clickRate: m.engagement.clickRate,
    };
  };
  const rois = entries.map((e) => e.roi).filter((f): f is Fraction => f !== null);
  const top = [...entries].sort(byRoi).filter((e) => e.roi && e.roi.n > 0n).slice(0, 3);
  const byStatus: Record<string, number> = {};
  for (const e of entries) byStatus[e.l.meta.status] = (byStatus[e.l.meta.status] ?? 0) + 1;
  return {
    range: s.range,
    currency: s.currency,
    totals: {
      campaigns: entries.length,
      byStatus,
      metrics: metricsOf(sumTotals(lines.map((l) => l.totals)), s.exponent),
      averageRoiPercent: decimalOf(meanOf(rois), 1, 100n),
    },
    topPerformers: top.map(card),
    items: entries.slice((opts.page - 1) * opts.pageSize, opts.page * opts.pageSize).map(card),
    page: opts.page,
    pageSize: opts.pageSize,
    total: entries.length,
    notConverted,
  };
}


export async function channelsView(s: Scope) {
  const [rows, lines, lone, notConverted] = await Promise.all([facts(s, ['channel']), campaignLines(s), unattributedTotal(s), notConvertedOf(s, s.range)]);
  const channels = rows.map((r) => ({ channel: r.keys.channel ?? 'unknown', totals: totalsOfRow(r) }));
  const byChannel = new Map(channels.map((c) => [c.channel, c.totals]));
  return {
    range: s.range,
    currency: s.currency,
    items: compareChannels(channels, figuresOf(lines), s.exponent).map((c) => ({
      ...c,
      trackedOnly: !isMessageChannel(c.channel),
      metrics: metricsOf(byChannel.get(c.channel)!, s.exponent),
    })),
    /** Revenue that came without a campaign, hence without a channel; null when a filter narrows the view. */
    unattributed: lone ? lineOf(lone, s.exponent) : null,
    notConverted,
  };
}

export async function rankingsView(s: Scope) {
  const [rows, lines, notConverted] = await Promise.all([facts(s, ['channel']), campaignLines(s), notConvertedOf(s, s.range, { unattributed: false })]);
  const figures = figuresOf(lines);
  const channels = compareChannels(
    rows.map((r) => ({ channel: r.keys.channel ?? 'unknown', totals: totalsOfRow(r) })),
    figures,
    s.exponent,
  );
  const { rankings, flags } = compareCampaigns(figures, s.exponent);
  return { range: s.range, currency: s.currency, rankings, flags, recommendations: recommend(figures, channels, s.exponent), notConverted };
}
