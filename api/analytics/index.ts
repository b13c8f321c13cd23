/**
 * /api/analytics: the reports over the rollups (issue 8 "Reports"). Reading needs `analytics:read`;
 * CSV exports and the PDF report need `analytics:export`. Every route takes the same filters
 * (query.ts); the figures come from domain/metrics.ts.
 */
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { errors, IdParam, json, PageQuery, router, secured, z } from '../openapi.ts';
import { BREAKDOWNS, breakdownView, GRANULARITIES, heatmapView, RETAILER_RANKINGS, timeseriesView } from './breakdowns.ts';
import { campaignFunnelsView, campaignView } from './campaign.ts';
import { campaignReportPdf } from './pdf.ts';
import { analyticsFilterFields, AnalyticsQuery } from './query.ts';
import { BreakdownSchema, CampaignFunnelsSchema, CampaignPerformanceSchema, ChannelsSchema, HeatmapSchema, OverviewSchema, RankingsSchema, SummarySchema, TimeseriesSchema } from './schemas.ts';
import { scopeOf } from './scope.ts';
import { csvOf, EXPORT_VIEWS, tableOf } from './tables.ts';
import { channelsView, overviewView, rankingsView, summaryView } from './views.ts';
import { CAMPAIGN_STATES } from '../../domain/campaign-states.ts';

const TAG = ['Analytics'];
const Granularity = z.enum(GRANULARITIES).default('day');

const OverviewQuery = z.object({
  ...analyticsFilterFields,
  ...PageQuery,
  status: z.enum(CAMPAIGN_STATES).optional(),
  sort: z.enum(['roi', 'revenue', 'name', 'start']).default('roi'),
});

export function analyticsRoutes(_deps: AppDeps) {
  const summary = createRoute({
    method: 'get',
    path: '/summary',
    tags: TAG,
    summary: 'Dashboard KPIs for the period, each with its value for the previous period of the same length',
    ...secured('analytics:read'),
    request: { query: AnalyticsQuery },
    responses: { 200: json(SummarySchema, 'KPIs with deltas'), ...errors() },
  });
  const overview = createRoute({
    method: 'get',
    path: '/campaigns',
    tags: TAG,
    summary: 'Campaign overview: a card per campaign (status, ROI, tier, e-mail metrics), totals, average ROI and top performers',
    ...secured('analytics:read'),
    request: { query: OverviewQuery },
    responses: { 200: json(OverviewSchema, 'Campaign cards'), ...errors() },
  });
  const campaign = createRoute({
    method: 'get',
    path: '/campaigns/{id}',
    tags: TAG,
    summary: "One campaign's performance: key metrics, financial table, funnels, targets, daily trends, e-mail metrics, links and variants (all time without dates)",
    ...secured('analytics:read'),
    request: { params: IdParam, query: AnalyticsQuery },
    responses: { 200: json(CampaignPerformanceSchema, 'Campaign performance'), ...errors(404) },
  });
  const funnels = createRoute({
    method: 'get',
    path: '/campaigns/{id}/funnels',
    tags: TAG,
    summary:
      "Seed 000's funnel (impressions → reach → engagement → leads → opportunities → conversions) per day, week or month, with stage rates, drop-off and bottleneck; read from the campaign_funnels view over the rollups. With dates: the periods overlapping them, each whole; without: all time",
    ...secured('analytics:read'),
    request: { params: IdParam, query: z.object({ from: analyticsFilterFields.from, to: analyticsFilterFields.to, granularity: z.enum(GRANULARITIES).default('month') }) },
    responses: { 200: json(CampaignFunnelsSchema, 'One funnel per period with figures'), ...errors(404) },
  });
  const report = createRoute({
    method: 'get',
    path: '/campaigns/{id}/report.pdf',
    tags: TAG,
    summary: 'The campaign performance report as a PDF',
    ...secured('analytics:export'),
    request: { params: IdParam, query: AnalyticsQuery },
    responses: { 200: { description: 'A PDF document', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errors(404) },
  });
  const channels = createRoute({
    method: 'get',
    path: '/channels',
    tags: TAG,
    summary: 'Channel comparison, tracked-only channels included: leads, pooled and average ROI, cost per lead, all metrics',
    ...secured('analytics:read'),
    request: { query: AnalyticsQuery },
    responses: { 200: json(ChannelsSchema, 'One row per channel'), ...errors() },
  });
  const rankings = createRoute({
    method: 'get',
    path: '/rankings',
    tags: TAG,
    summary: 'Campaign rankings by ROI, conversion rate and cost efficiency, best and underperformers flagged, and recommendations with the figures behind them',
    ...secured('analytics:read'),
    request: { query: AnalyticsQuery },
    responses: { 200: json(RankingsSchema, 'Rankings and recommendations'), ...errors() },
  });
  const timeseries = createRoute({
    method: 'get',
    path: '/timeseries',
    tags: TAG,
    summary: 'Metrics per day, week or month (days without activity appear with zeros)',
    ...secured('analytics:read'),
    request: { query: AnalyticsQuery.extend({ granularity: Granularity }) },
    responses: { 200: json(TimeseriesSchema, 'A time series'), ...errors() },
  });
  const breakdown = createRoute({
    method: 'get',
    path: '/breakdowns/{dimension}',
    tags: TAG,
    summary: 'Metrics by region, retailer, user, team, A/B variant, channel or campaign (retailer names need pii:read)',
    ...secured('analytics:read'),
    request: {
      params: z.object({ dimension: z.enum(BREAKDOWNS).openapi({ param: { name: 'dimension', in: 'path' } }) }),
      query: AnalyticsQuery.extend({ rank: z.enum(RETAILER_RANKINGS).default('revenue').openapi({ description: 'Retailer leaderboard order: revenue or click rate' }) }),
    },
    responses: { 200: json(BreakdownSchema, 'One row per key'), ...errors() },
  });
  const heatmap = createRoute({
    method: 'get',
    path: '/heatmap',
    tags: TAG,
    summary: "Human opens and clicks by weekday and hour, in the company's time zone",
    ...secured('analytics:read'),
    request: { query: AnalyticsQuery },
    responses: { 200: json(HeatmapSchema, 'Weekday × hour cells'), ...errors() },
  });
  const exportCsv = createRoute({
    method: 'get',
    path: '/export/{view}',
    tags: TAG,
    summary: 'Any table view as CSV (formula cells neutralised; personal data only with pii:read). Campaign views need exactly one `campaign`.',
    ...secured('analytics:export'),
    request: {
      params: z.object({ view: z.enum(EXPORT_VIEWS).openapi({ param: { name: 'view', in: 'path' } }) }),
      query: AnalyticsQuery.extend({ granularity: Granularity }),
    },
    responses: { 200: { description: 'CSV, with a header row', content: { 'text/csv': { schema: z.string() } } }, ...errors(404) },
  });

  return router()
    .openapi(summary, async (c) => c.json(await summaryView(await scopeOf(c, c.req.valid('query'))), 200))
    .openapi(overview, async (c) => {
      const { status, sort, page, pageSize, ...q } = c.req.valid('query');
      const s = await scopeOf(c, q);
      return c.json(await overviewView(s, { ...(status ? { status: [status] } : {}), sort, page, pageSize }), 200);
    })
    .openapi(campaign, async (c) => {
      const s = await scopeOf(c, c.req.valid('query'), { allTimeByDefault: true });
      return c.json(await campaignView(s, c.req.valid('param').id), 200);
    })
    .openapi(funnels, async (c) => {
      const { granularity, ...q } = c.req.valid('query');
      const s = await scopeOf(c, q, { allTimeByDefault: true });
      return c.json(await campaignFunnelsView(s, c.req.valid('param').id, granularity), 200);
    })
    .openapi(report, async (c) => {
      const s = await scopeOf(c, c.req.valid('query'), { allTimeByDefault: true });
      const view = await campaignView(s, c.req.valid('param').id);
      const pdf = await campaignReportPdf(view, new Date());
      const file = `${view.campaign.code.replace(/[^A-Za-z0-9._-]/g, '_')}-report.pdf`;
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${file}"`, 'cache-control': 'no-store' });
    })
    .openapi(channels, async (c) => c.json(await channelsView(await scopeOf(c, c.req.valid('query'))), 200))
    .openapi(rankings, async (c) => c.json(await rankingsView(await scopeOf(c, c.req.valid('query'))), 200))
    .openapi(timeseries, async (c) => {
      const { granularity, ...q } = c.req.valid('query');
      return c.json(await timeseriesView(await scopeOf(c, q), granularity), 200);
    })
    .openapi(breakdown, async (c) => {
      const { rank, ...q } = c.req.valid('query');
      return c.json(await breakdownView(await scopeOf(c, q), c.req.valid('param').dimension, rank), 200);
    })
    .openapi(heatmap, async (c) => c.json(await heatmapView(await scopeOf(c, c.req.valid('query'))), 200))
    .openapi(exportCsv, async (c) => {
      const { granularity, ...q } = c.req.valid('query');
      const { view } = c.req.valid('param');
      const s = await scopeOf(c, q, { allTimeByDefault: view.startsWith('campaign-') });
      const csv = csvOf(await tableOf(s, view, granularity));
      const stamp = s.range ? `${s.range.from}_${s.range.to}` : 'all-time';
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="herald-${view}-${stamp}.csv"`, 'cache-control': 'no-store' });
    });
}
