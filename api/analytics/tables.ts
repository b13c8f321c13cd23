/**
 * Every table view as CSV: the same objects the JSON routes return, flattened to rows. Cells are
 * neutralised against formula injection by domain/csv.ts; personal data (retailer names) is already
 * withheld by the view for a caller without pii:read, so an export can never carry more than the
 * screen shows.
 */
import type { Metrics } from '../../domain/metrics.ts';
import { toCsv } from '../../domain/csv.ts';
import { ValidationError } from '../../domain/errors.ts';
import { breakdownView, heatmapView, timeseriesView, type Breakdown, type Granularity } from './breakdowns.ts';
import { campaignView } from './campaign.ts';
import { channelsView, overviewView, rankingsView, summaryView } from './views.ts';
import type { Scope } from './scope.ts';

export const EXPORT_VIEWS = [
  'summary',
  'campaigns',
  'channels',
  'rankings',
  'recommendations',
  'timeseries',
  'region',
  'retailer',
  'user',
  'team',
  'variant',
  'heatmap',
  'campaign-daily',
  'campaign-funnel',
  'campaign-links',
  'campaign-variants',
] as const;
export type ExportView = (typeof EXPORT_VIEWS)[number];

type Cell = string | number | boolean | null | undefined;
type Table = { header: string[]; rows: Cell[][] };

const METRIC_COLUMNS = [
  'sent', 'delivered', 'deliveryRate', 'uniqueOpens', 'openRate', 'uniqueClicks', 'clickRate', 'clickToOpenRate', 'bounceRate', 'unsubscribeRate',
  'complaintRate', 'impressions', 'reach', 'clicks', 'ctr', 'leads', 'qualifiedLeads', 'opportunities', 'conversions', 'orders', 'leadConversionRate',
  'revenue', 'cost', 'netProfit', 'roiPercent', 'marginPercent', 'costPerLead', 'costPerConversion', 'averageOrderValue', 'tier',
] as const;

function metricCells(m: Metrics): Cell[] {
  const flat: Record<string, Cell> = { ...m.counts, ...m.engagement, ...m.conversion, ...m.money, breakEven: undefined };
  return METRIC_COLUMNS.map((k) => flat[k]);
}

const sliceTable = (first: string[], items: { cells: Cell[]; metrics: Metrics }[]): Table => ({
  header: [...first, ...METRIC_COLUMNS],
  rows: items.map((i) => [...i.cells, ...metricCells(i.metrics)]),
});

function oneCampaign(s: Scope): string {
  const ids = s.query.campaign ?? [];
  if (ids.length !== 1) throw ValidationError.field('query.campaign', 'this export is of one campaign: give exactly one campaign id');
  return ids[0]!;
}

export async function tableOf(s: Scope, view: ExportView, granularity: Granularity): Promise<Table> {
  switch (view) {
    case 'summary': {
      const v = await summaryView(s);
      return { header: ['kpi', 'value', 'previous', 'change', 'changePercent'], rows: Object.entries(v.kpis).map(([k, x]) => [k, x.value, x.previous, x.change, x.changePercent]) };
    }
    case 'campaigns': {
      const v = await overviewView(s, { sort: 'roi', page: 1, pageSize: Number.MAX_SAFE_INTEGER });
      const header = ['campaignId', 'code', 'name', 'status', 'channel', 'startAt', 'endAt', 'budget', 'revenue', 'cost', 'roiPercent', 'tier', 'leads', 'conversions', 'sent', 'delivered', 'deliveryRate', 'openRate', 'clickRate'] as const;
      return { header: [...header], rows: v.items.map((c) => header.map((h) => c[h])) };
    }
    case 'channels': {
      const v = await channelsView(s);
      return sliceTable(['channel', 'trackedOnly', 'campaigns', 'averageRoiPercent'], v.items.map((c) => ({ cells: [c.channel, c.trackedOnly, c.campaigns, c.averageRoiPercent], metrics: c.metrics })));
    }
    case 'rankings': {
      const v = await rankingsView(s);
      const at = (key: keyof typeof v.rankings, id: string) => v.rankings[key].find((e) => e.campaignId === id);
      return {
        header: ['campaignId', 'name', 'roiRank', 'roiPercent', 'conversionRank', 'leadConversionRate', 'costEfficiencyRank', 'costPerLead', 'best', 'underperformer', 'reasons'],
        rows: v.rankings.roi.map((e) => {
          const f = v.flags.find((x) => x.campaignId === e.campaignId)!;
          const cr = at('conversionRate', e.campaignId)!;
          const ce = at('costEfficiency', e.campaignId)!;
          return [e.campaignId, e.name, e.rank, e.value, cr.rank, cr.value, ce.rank, ce.value, f.best, f.underperformer, f.reasons.join(' ')];
        }),
      };
    }
    case 'recommendations': {
      const v = await rankingsView(s);
      return {
        header: ['kind', 'priority', 'campaignId', 'channel', 'figures'],
        rows: v.recommendations.map((r) => [r.kind, r.priority, r.campaignId, r.channel, Object.entries(r.figures).map(([k, x]) => `${k}=${x ?? ''}`).join('; ')]),
      };
    }
    case 'timeseries': {
      const v = await timeseriesView(s, granularity);
      return sliceTable([granularity], v.items.map((p) => ({ cells: [p.key], metrics: p.metrics })));
    }
    case 'region':
    case 'retailer':
    case 'user':
    case 'team':
    case 'variant': {
      const v = await breakdownView(s, view as Breakdown);
      const first = view === 'retailer' ? ['contactId', 'name', 'region'] : [view, 'name'];
      return sliceTable(first, v.items.map((i) => ({ cells: view === 'retailer' ? [i.key, i.label, i.region] : [i.key, i.label], metrics: i.metrics })));
    }
    case 'heatmap': {
      const v = await heatmapView(s);
      return { header: ['weekday', 'hour', 'opens', 'clicks'], rows: v.cells.map((c) => [c.weekday, c.hour, c.opens, c.clicks]) };
    }
    case 'campaign-daily': {
      const v = await campaignView(s, oneCampaign(s));
      return sliceTable(['day'], v.daily.map((d) => ({ cells: [d.day], metrics: d.metrics })));
    }
    case 'campaign-variants': {
      const v = await campaignView(s, oneCampaign(s));
      return sliceTable(['variant'], v.variants.map((d) => ({ cells: [d.label], metrics: d.metrics })));
    }
    case 'campaign-links': {
      const v = await campaignView(s, oneCampaign(s));
      return { header: ['linkIndex', 'variant', 'url', 'clicks', 'uniqueClicks'], rows: v.links.map((l) => [l.linkIndex, l.variant ?? 'control', l.url, l.clicks, l.uniqueClicks]) };
    }
    case 'campaign-funnel': {
      const v = await campaignView(s, oneCampaign(s));
      return {
        header: ['funnel', 'stage', 'count', 'recorded', 'rateFromPrevious', 'dropOff', 'dropOffPercent'],
        rows: [v.funnels.performance, v.funnels.journey].flatMap((f) => f.stages.map((st) => [f.name, st.key, st.count, st.recorded, st.rateFromPrevious, st.dropOff, st.dropOffPercent])),
      };
    }
  }
}

export function csvOf(t: Table): string {
  return toCsv(
    t.header,
    t.rows.map((r) => r.map((c) => (typeof c === 'boolean' ? String(c) : c))),
  );
}
