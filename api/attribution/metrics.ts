/**
 * Daily figures of tracked-only channels (paid ads, social, organic, direct mail): posted as JSON or
 * imported from CSV, one row per campaign, channel and day, so a re-post or re-import replaces and
 * never doubles. `?dryRun=true` on the import previews which days would be created or replaced, old
 * figures beside new; without it the whole file lands in one transaction, or (on any bad line) none.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TRACKED_CHANNELS } from '../../domain/campaign-rules.ts';
import { CsvReader } from '../../domain/csv.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import type { ApiEnv } from '../context.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { BoolQuery } from '../query-values.ts';
import { Amount } from './facts.ts';
import { keyOrSecured } from './machine-auth.ts';
import { auditPrincipal } from './principal-audit.ts';
import {
  completeDays,
  COUNT_FIELDS,
  MONEY_FIELDS,
  sameFigures,
  storedDays,
  upsertDays,
  type CountField,
  type MetricDay,
  type MoneyField,
  type RawMetricDay,
  type TrackedCampaign,
} from './metric-rows.ts';

export const METRIC_DAYS_MAX = 5000;
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const DayInput = z
  .strictObject({
    day: z.string().openapi({ example: '2026-12-01' }),
    channel: z.enum(TRACKED_CHANNELS).optional().openapi({ description: "The campaign's own channel when it is tracked-only" }),
    impressions: Count.optional(),
    reach: Count.optional(),
    clicks: Count.optional(),
    leads: Count.optional(),
    qualifiedLeads: Count.optional(),
    conversions: Count.optional(),
    revenue: Amount.optional(),
    spend: Amount.optional(),
  })
  .openapi('ChannelMetricDayInput');

const Figures = z.object({
  impressions: z.number().int(),
  reach: z.number().int(),
  clicks: z.number().int(),
  leads: z.number().int(),
  qualifiedLeads: z.number().int(),
  conversions: z.number().int(),
  revenue: z.string(),
  spend: z.string(),
});
const StoredDay = Figures.extend({ day: z.string(), channel: z.string(), source: z.enum(['api', 'csv']), updatedAt: z.string() }).openapi('ChannelMetricDay');
const Change = z
  .object({ day: z.string(), channel: z.string(), action: z.enum(['create', 'replace', 'unchanged']), before: Figures.nullable(), after: Figures })
  .openapi('ChannelMetricChange');
const ChangeReport = z
  .object({
    applied: z.boolean().openapi({ description: 'false for a dry run: nothing was written' }),
    created: z.number().int(),
    replaced: z.number().int(),
    unchanged: z.number().int(),
    changes: z.array(Change),
  })
  .openapi('ChannelMetricReport');

const figuresOf = (d: MetricDay) => Object.fromEntries([...COUNT_FIELDS, ...MONEY_FIELDS].map((f) => [f, d[f]])) as z.infer<typeof Figures>;

async function trackedCampaign(em: EntityManager, companyId: string, id: string): Promise<TrackedCampaign> {
  const row = (
    await sqlOf(em).raw<{ rows: { id: string; currency: string; primary_channel: string }[] }>(
      `select id, currency, primary_channel from campaigns where id = ? and company_id = ? and deleted_at is null`,
      [id, companyId],
    )
  ).rows[0];
  if (!row) throw new NotFoundError('campaign', id);
  return { id: row.id, currency: row.currency, channel: row.primary_channel };
}

/** Compares with what is stored and, unless dry, replaces it all in one transaction. */
async function record(c: Context<ApiEnv>, campaignId: string, raw: RawMetricDay[], name: (i: number, f: string) => string, source: 'api' | 'csv', dry: boolean, prior: FieldIssue[] = []) {
  const p = c.get('principal');
  return c.get('em').transactional(async (tx) => {
    const campaign = await trackedCampaign(tx, p.companyId, campaignId);
    const days = completeDays(raw, campaign, name, prior);
    const before = new Map((await storedDays(tx, p.companyId, campaign, days)).map((d) => [`${d.channel}|${d.day}`, d]));
    const changes = days.map((d) => {
      const old = before.get(`${d.channel}|${d.day}`);
      return { day: d.day, channel: d.channel, action: !old ? 'create' : sameFigures(old, d) ? 'unchanged' : 'replace', before: old ? figuresOf(old) : null, after: figuresOf(d) } as const;
    });
    const count = (a: string) => changes.filter((x) => x.action === a).length;
    const report = { applied: !dry, created: count('create'), replaced: count('replace'), unchanged: count('unchanged'), changes };
    if (!dry) {
      await upsertDays(tx, p.companyId, campaignId, days, source, p.userId);
      await auditPrincipal(tx, c, { action: 'campaign.metrics_recorded', entityType: 'campaign', entityId: campaignId, after: { source, days: days.length, created: report.created, replaced: report.replaced } });
    }
    return report;
  });
}

const HEADERS: Record<string, CountField | MoneyField | 'day' | 'channel'> = {
  day: 'day',
  date: 'day',
  channel: 'channel',
  impressions: 'impressions',
  reach: 'reach',
  clicks: 'clicks',
  leads: 'leads',
  qualified_leads: 'qualifiedLeads',
  qualifiedleads: 'qualifiedLeads',
  conversions: 'conversions',
  revenue: 'revenue',
  spend: 'spend',
};

/** The CSV's days, or a ValidationError listing every bad line and column (`line 3: clicks`). */
export function parseMetricCsv(text: string): { days: RawMetricDay[]; lines: number[]; columns: Map<string, string>; issues: FieldIssue[] } {
  const reader = new CsvReader({ maxFieldLength: 100, maxFields: 20 });
  const records = [...reader.push(text), ...reader.end()];
  const header = records.shift();
  if (!header) throw ValidationError.field('body', 'is empty: send a header line (day,channel,impressions,...) and one line per day');
  const issues: FieldIssue[] = [];
  const columns = header.fields.map((h) => HEADERS[h.trim().toLowerCase()] ?? null);
  const names = new Map<string, string>();
  header.fields.forEach((h, i) => {
    const col = columns[i];
    if (col === null || col === undefined) issues.push({ field: `line ${header.line}: ${h}`, message: `is not a known column (${Object.keys(HEADERS).join(', ')})` });
    else if (names.has(col)) issues.push({ field: `line ${header.line}: ${h}`, message: 'appears twice' });
    else names.set(col, h.trim());
  });
  if (!names.has('day')) issues.push({ field: `line ${header.line}: day`, message: 'is required' });
  if (issues.length > 0) throw new ValidationError(issues);
  if (records.length > METRIC_DAYS_MAX) throw ValidationError.field('body', `has ${records.length} lines of figures; at most ${METRIC_DAYS_MAX} at once`);

  const days = records.map((r) => {
    const at = (col: string) => `line ${r.line}: ${names.get(col) ?? col}`;
    if (r.error) issues.push({ field: `line ${r.line}`, message: r.error });
    if (r.fields.length !== columns.length) issues.push({ field: `line ${r.line}`, message: `has ${r.fields.length} cells; the header has ${columns.length}` });
    const day: RawMetricDay = { day: '', counts: {}, money: {} };
    columns.forEach((col, i) => {
      const v = (r.fields[i] ?? '').trim();
      if (col === 'day') day.day = v;
      else if (col === 'channel') {
        if (v !== '') day.channel = v;
      } else if ((COUNT_FIELDS as readonly string[]).includes(col!)) {
        if (v === '') return;
        if (!/^\d{1,15}$/.test(v)) issues.push({ field: at(col!), message: `must be a whole number of at least 0 (it is ${JSON.stringify(v)})` });
        else day.counts[col as CountField] = Number(v);
      } else if (v !== '') {
        if (!/^\d+(\.\d+)?$/.test(v)) issues.push({ field: at(col!), message: `must be a non-negative decimal such as 120.50 (it is ${JSON.stringify(v)})` });
        else day.money[col as MoneyField] = v;
      }
    });
    return day;
  });
  // Cell issues go on to the checks that need the campaign (day, money, channel), so one answer lists them all.
  return { days, lines: records.map((r) => r.line), columns: names, issues };
}

export function metricRoutes() {
  const post = createRoute({
    method: 'post',
    path: '/campaigns/{id}/metrics',
    tags: ['Tracked channels'],
    summary: 'Record daily figures of a tracked-only channel: each (channel, day) is created or replaced, never added to',
    ...keyOrSecured('revenue:write', 'metrics:write'),
    request: { params: IdParam, body: body(z.strictObject({ days: z.array(DayInput).min(1).max(METRIC_DAYS_MAX) }).openapi('ChannelMetricInput')) },
    responses: { 200: json(ChangeReport, 'What was created and replaced'), ...errors(404, 429) },
  });
  const importCsv = createRoute({
    method: 'post',
    path: '/campaigns/{id}/metrics/import',
    tags: ['Tracked channels'],
    summary: 'Import daily figures from CSV; ?dryRun=true previews the days it would create or replace, old figures beside new',
    description:
      'The first line names the columns: day (required, YYYY-MM-DD), channel (a tracked-only channel; the campaign’s own when omitted), impressions, reach, clicks, ' +
      'leads, qualified_leads, conversions, revenue, spend. Empty cells are 0. Any bad line refuses the whole file, each issue naming its line and column.',
    ...keyOrSecured('revenue:write', 'metrics:write'),
    request: {
      params: IdParam,
      query: z.object({ dryRun: BoolQuery.openapi({ description: 'Preview only: nothing is written' }) }),
      body: { required: true, content: { 'text/csv': { schema: { type: 'string', example: 'day,channel,impressions,clicks,leads,spend\n2026-12-01,paid_ads,12000,340,21,450.00\n' } } } },
    },
    responses: { 200: json(ChangeReport, 'The preview, or what was applied'), ...errors(404, 429) },
  });
  const list = createRoute({
    method: 'get',
    path: '/campaigns/{id}/metrics',
    tags: ['Tracked channels'],
    summary: "A campaign's daily tracked-channel figures, oldest first",
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(z.object({ items: z.array(StoredDay), currency: z.string() }).openapi('ChannelMetricList'), 'The days'), ...errors(404) },
  });

  return router()
    .openapi(post, async (c) => {
      const { id } = c.req.valid('param');
      const raw = c.req.valid('json').days.map((d) => ({
        day: d.day,
        ...(d.channel ? { channel: d.channel } : {}),
        counts: Object.fromEntries(COUNT_FIELDS.flatMap((f) => (d[f] === undefined ? [] : [[f, d[f]]]))),
        money: Object.fromEntries(MONEY_FIELDS.flatMap((f) => (d[f] === undefined ? [] : [[f, d[f]]]))),
      }));
      return c.json(await record(c, id, raw, (i, f) => `days.${i}.${f}`, 'api', false), 200);
    })
    .openapi(importCsv, async (c) => {
      const { id } = c.req.valid('param');
      const { dryRun } = c.req.valid('query');
      // The campaign before the body: another company's id is a 404 whatever was sent.
      await trackedCampaign(c.get('em'), c.get('principal').companyId, id);
      const type = c.req.header('content-type') ?? '';
      if (!/^text\/(csv|plain)\b/i.test(type)) throw ValidationError.field('header.content-type', 'must be text/csv (the CSV as the body)');
      const { days, lines, columns, issues } = parseMetricCsv(await c.req.text());
      if (days.length === 0) throw ValidationError.field('body', 'has a header but no line of figures');
      const name = (i: number, f: string) => `line ${lines[i]}: ${columns.get(f) ?? f}`;
      return c.json(await record(c, id, days, name, 'csv', dryRun === true, issues), 200);
    })
    .openapi(list, async (c) => {
      const { companyId } = c.get('caller');
      const campaign = await trackedCampaign(c.get('em'), companyId, c.req.valid('param').id);
      return c.json({ items: await storedDays(c.get('em'), companyId, campaign), currency: campaign.currency }, 200);
    });
}
