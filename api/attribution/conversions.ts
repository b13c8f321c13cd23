/**
 * POST /api/conversions (one) and /api/conversions/batch (up to 1 000, one INSERT): CRM deals,
 * sign-ups and leads, attributed to the message or campaign they came from. Idempotent on the
 * external id: the same report again answers what is stored (200, `unchanged`); the same id with
 * other facts is refused whole (409 naming each field). The one thing a repeat may change is a
 * lead's progress: its stage, score and source are the CRM's latest word (`updated`), here or
 * through PATCH /api/conversions/{externalId}.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CONVERSION_TYPES, LEAD_STAGES } from '../../db/entities/revenue.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { parseInstant } from '../../domain/dates.ts';
import { sqlOf } from '../../db/sql.ts';
import type { ApiEnv } from '../context.ts';
import { body, errors, InstantQuery, json, PageQuery, pageOf, router, secured, z } from '../openapi.ts';
import { BoolQuery, iso } from '../query-values.ts';
import { analyticsFilterFields } from '../analytics/query.ts';
import { AttributionFields } from './attribute.ts';
import { Amount, duplicateIssues, InstantField, Outcome, recordFacts, sameInstant, attributedColumns, type AttributedRow, type FactKind } from './facts.ts';
import { keyOrSecured } from './machine-auth.ts';

export const BATCH_MAX = 1000;

const LeadFields = {
  leadSource: z.string().trim().min(1).max(64).optional().openapi({ description: 'Leads only: form, event, referral, paid_search, ...' }),
  leadStage: z.enum(LEAD_STAGES).optional().openapi({ description: "Leads only; 'new' when omitted" }),
  qualityScore: z.number().int().min(0).max(100).optional().openapi({ description: 'Leads only: 0-100' }),
};

const ConversionInput = z
  .strictObject({
    externalId: z.string().trim().min(1).max(128).openapi({ description: "The CRM's id: a repeated report stores once" }),
    type: z.enum(CONVERSION_TYPES),
    value: Amount.optional().openapi({ description: 'Monetary value; 0 when omitted (a lead may have none)' }),
    currency: z.string().optional().openapi({ description: "ISO 4217; the attributed campaign's currency when omitted, else the company's" }),
    productCategory: z.string().trim().min(1).max(100).optional(),
    occurredAt: InstantField.optional().openapi({ description: 'When it happened; now when omitted' }),
    source: z.string().trim().min(1).max(32).optional().openapi({ description: "Reporting system, e.g. 'salesforce'; 'api' when omitted" }),
    ...LeadFields,
    ...AttributionFields,
  })
  .openapi('ConversionInput');
type ConversionInput = z.infer<typeof ConversionInput>;

const ConversionDto = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    type: z.enum(CONVERSION_TYPES),
    value: z.string(),
    currency: z.string(),
    productCategory: z.string().nullable(),
    occurredAt: z.string(),
    source: z.string(),
    attributed: z.boolean(),
    campaignId: z.uuid().nullable(),
    channel: z.string().nullable(),
    variant: z.string().nullable(),
    recipientId: z.number().int().nullable(),
    contactId: z.uuid().nullable(),
    region: z.string().nullable(),
    leadSource: z.string().nullable(),
    leadStage: z.enum(LEAD_STAGES).nullable(),
    qualityScore: z.number().int().nullable(),
    outcome: Outcome,
  })
  .openapi('Conversion');
type ConversionDto = z.infer<typeof ConversionDto>;

interface Row {
  id: string;
  external_id: string;
  type: (typeof CONVERSION_TYPES)[number];
  value: string;
  currency: string;
  product_category: string | null;
  occurred_at: Date;
  source: string;
  campaign_id: string | null;
  channel: string | null;
  variant: string | null;
  recipient_id: string | null;
  contact_id: string | null;
  region: string | null;
  lead_source: string | null;
  lead_stage: (typeof LEAD_STAGES)[number] | null;
  quality_score: number | null;
}

const COLUMNS = `id, external_id, type, value::text as value, currency, product_category, occurred_at, source, campaign_id, channel, variant, recipient_id,
  contact_id, region, lead_source, lead_stage, quality_score`;

const toDto = (r: Row, outcome: ConversionDto['outcome']): ConversionDto => ({
  id: r.id,
  externalId: r.external_id,
  type: r.type,
  value: r.value,
  currency: r.currency,
  productCategory: r.product_category,
  occurredAt: iso(r.occurred_at)!,
  source: r.source,
  attributed: r.campaign_id !== null,
  campaignId: r.campaign_id,
  channel: r.channel,
  variant: r.variant,
  recipientId: r.recipient_id === null ? null : Number(r.recipient_id),
  contactId: r.contact_id,
  region: r.region,
  leadSource: r.lead_source,
  leadStage: r.lead_stage,
  qualityScore: r.quality_score,
  outcome,
});

async function rowsOf(em: EntityManager, companyId: string, ids: string[]): Promise<Map<string, Row>> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from conversions where company_id = ? and external_id = any(?::text[])`, [companyId, ids]);
  return new Map(res.rows.map((r) => [r.external_id, r]));
}

type LeadMove = { external_id: string; lead_stage: string | null; quality_score: number | null; lead_source: string | null };

/** The row written for a conversion. */
interface ConversionRow extends AttributedRow {
  type: string;
  value: string;
  currency: string;
  product_category: string | null;
  occurred_at: string;
  source: string;
  lead_source: string | null;
  lead_stage: string | null;
  quality_score: number | null;
}

const CONVERSIONS: FactKind<ConversionInput, ConversionRow, Row, LeadMove, ConversionDto> = {
  kind: 'conversion',
  insertSql: `insert into conversions (company_id, campaign_id, contact_id, recipient_id, channel, variant, region, type, value, currency, product_category, external_id, source,
                              lead_source, lead_stage, quality_score, occurred_at)
     select ?, x.campaign_id, x.contact_id, x.recipient_id, x.channel, x.variant, x.region, x.type, x.value, x.currency, x.product_category, x.external_id, x.source,
            x.lead_source, x.lead_stage, x.quality_score, x.occurred_at
       from jsonb_to_recordset(?::jsonb) as x(campaign_id uuid, contact_id uuid, recipient_id bigint, channel text, variant text, region text, type text, value numeric,
                                             currency text, product_category text, external_id text, source text, lead_source text, lead_stage text, quality_score smallint,
                                             occurred_at timestamptz)
     on conflict (company_id, external_id) do nothing
     returning external_id`,
  valueOf: (x) => x.value ?? '0',
  toRow: (x, a, money, company, now) => ({
    external_id: x.externalId,
    type: x.type,
    value: money?.value ?? '0',
    currency: money?.currency ?? company.currency,
    product_category: x.productCategory ?? null,
    occurred_at: (x.occurredAt ? parseInstant(x.occurredAt)! : now).toISOString(),
    source: x.source ?? 'api',
    ...attributedColumns(a),
    lead_source: x.leadSource ?? null,
    lead_stage: x.type === 'lead' ? (x.leadStage ?? 'new') : null,
    quality_score: x.qualityScore ?? null,
  }),
  load: rowsOf,
  // What a repeat leaves out it does not contradict; a lead may move on (stage, score, source).
  compare: (x, row, s, differ) => {
    if (s.type !== x.type) differ('type', s.type);
    if (x.value !== undefined && Number(s.value) !== Number(row.value)) differ('value', s.value);
    if (x.currency !== undefined && s.currency !== row.currency) differ('currency', s.currency);
    if (x.productCategory !== undefined && s.product_category !== row.product_category) differ('productCategory', s.product_category);
    if (x.occurredAt !== undefined && !sameInstant(s.occurred_at, row.occurred_at)) differ('occurredAt', iso(s.occurred_at));
    if (x.type !== 'lead' || s.type !== 'lead') return undefined;
    const next = { lead_stage: x.leadStage ?? s.lead_stage, quality_score: x.qualityScore ?? s.quality_score, lead_source: x.leadSource ?? s.lead_source };
    return next.lead_stage !== s.lead_stage || next.quality_score !== s.quality_score || next.lead_source !== s.lead_source ? { external_id: x.externalId, ...next } : undefined;
  },
  applyMoves: (em, companyId, moves) => moveLeads(em, companyId, moves),
  toDto,
};

/** Records a batch in one transaction: every item, or (on any invalid or conflicting one) none. */
export async function recordConversions(c: Context<ApiEnv>, items: ConversionInput[], at: (i: number) => string): Promise<ConversionDto[]> {
  const issues: FieldIssue[] = duplicateIssues(
    items.map((x) => x.externalId),
    at,
  );
  items.forEach((x, i) => {
    if (x.type !== 'lead') {
      for (const f of ['leadSource', 'leadStage', 'qualityScore'] as const) if (x[f] !== undefined) issues.push({ field: `${at(i)}${f}`, message: `only a lead carries ${f} (this is a ${x.type})` });
    }
  });
  return recordFacts(c, CONVERSIONS, items, at, issues);
}

async function moveLeads(em: EntityManager, companyId: string, moves: LeadMove[]): Promise<void> {
  await sqlOf(em).raw(
    `update conversions c set lead_stage = x.lead_stage, quality_score = x.quality_score, lead_source = x.lead_source, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as x(external_id text, lead_stage text, quality_score smallint, lead_source text)
      where c.company_id = ? and c.external_id = x.external_id`,
    [JSON.stringify(moves), companyId],
  );
}

const ExternalIdParam = z.object({ externalId: z.string().min(1).max(128).openapi({ param: { name: 'externalId', in: 'path' } }) });
const LeadPatch = z.strictObject(LeadFields).openapi('LeadProgress');

const ListQuery = z.object({
  ...PageQuery,
  campaignId: z.uuid().optional(),
  attributed: BoolQuery.openapi({ description: 'false: only the conversions no campaign could be found for' }),
  type: z.enum(CONVERSION_TYPES).optional(),
  leadStage: z.enum(LEAD_STAGES).optional(),
  from: InstantQuery.optional().openapi({ description: 'Occurred at or after' }),
  to: InstantQuery.optional().openapi({ description: 'Occurred before' }),
  // The analytics filter bar's own lists, so a drill-down narrows exactly as the figures above it do.
  channel: analyticsFilterFields.channel.openapi({ description: 'Comma-separated channels the conversion was attributed to' }),
  region: analyticsFilterFields.region.openapi({ description: "Comma-separated regions of the converting contact" }),
  team: analyticsFilterFields.team.openapi({ description: "Comma-separated teams: conversions of campaigns created by the teams' members" }),
});
const ListedConversion = ConversionDto.omit({ outcome: true }).openapi('ConversionListItem');

export function conversionRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/conversions',
    tags: ['Attribution'],
    summary: 'Conversions and leads as stored, newest first; attributed=false lists the ones no campaign could be found for',
    ...secured('analytics:read'),
    request: { query: ListQuery },
    responses: { 200: json(pageOf(ListedConversion, 'ConversionPage'), 'A page of conversions'), ...errors() },
  });
  const one = createRoute({
    method: 'post',
    path: '/conversions',
    tags: ['Attribution'],
    summary: 'Report a conversion or lead (API key with conversions:write, or a user who may record revenue)',
    ...keyOrSecured('revenue:write', 'conversions:write'),
    request: { body: body(ConversionInput) },
    responses: { 201: json(ConversionDto, 'Stored'), 200: json(ConversionDto, 'Already stored (or a lead moved on)'), ...errors(409, 429) },
  });
  const batch = createRoute({
    method: 'post',
    path: '/conversions/batch',
    tags: ['Attribution'],
    summary: `Report up to ${BATCH_MAX} conversions in one request: all are stored, or none`,
    ...keyOrSecured('revenue:write', 'conversions:write'),
    request: { body: body(z.strictObject({ items: z.array(ConversionInput).min(1).max(BATCH_MAX) }).openapi('ConversionBatch')) },
    responses: { 200: json(z.object({ items: z.array(ConversionDto) }).openapi('ConversionBatchResult'), 'Each item with its outcome'), ...errors(409, 429) },
  });
  const patch = createRoute({
    method: 'patch',
    path: '/conversions/{externalId}',
    tags: ['Attribution'],
    summary: "A lead's progress: its stage, score or source",
    ...keyOrSecured('revenue:write', 'conversions:write'),
    request: { params: ExternalIdParam, body: body(LeadPatch) },
    responses: { 200: json(ConversionDto, 'The lead as stored now'), ...errors(404, 409, 429) },
  });
  return router()
    .openapi(list, async (c) => {
      const { companyId } = c.get('caller');
      const f = c.req.valid('query');
      const where = ['company_id = ?'];
      const params: unknown[] = [companyId];
      const when = (value: unknown, clause: string) => {
        if (value === undefined) return;
        where.push(clause);
        params.push(value);
      };
      when(f.campaignId, 'campaign_id = ?');
      if (f.attributed !== undefined) where.push(f.attributed ? 'campaign_id is not null' : 'campaign_id is null');
      when(f.type, 'type = ?');
      when(f.leadStage, 'lead_stage = ?');
      when(f.from, 'occurred_at >= ?');
      when(f.to, 'occurred_at < ?');
      when(f.channel, 'channel = any(?::text[])');
      when(f.region, 'region = any(?::text[])');
      when(f.team, 'campaign_id in (select k.id from campaigns k join users u on u.id = k.created_by_id where k.company_id = conversions.company_id and u.team_id = any(?::uuid[]))');
      const sql = sqlOf(c.get('em'));
      const rows = (
        await sql.raw<{ rows: (Row & { total: string })[] }>(
          `select ${COLUMNS}, count(*) over () as total from conversions where ${where.join(' and ')} order by occurred_at desc, id limit ? offset ?`,
          [...params, f.pageSize, (f.page - 1) * f.pageSize] as never[],
        )
      ).rows;
      let total = Number(rows[0]?.total ?? 0);
      if (rows.length === 0 && f.page > 1) total = Number((await sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from conversions where ${where.join(' and ')}`, params as never[])).rows[0]!.n);
      const items = rows.map((r) => {
        const { outcome: _, ...dto } = toDto(r, 'unchanged');
        return dto;
      });
      return c.json({ items, page: f.page, pageSize: f.pageSize, total }, 200);
    })
    .openapi(one, async (c) => {
      const [dto] = await recordConversions(c, [c.req.valid('json')], () => '');
      return c.json(dto!, dto!.outcome === 'created' ? 201 : 200);
    })
    .openapi(batch, async (c) => c.json({ items: await recordConversions(c, c.req.valid('json').items, (i) => `items.${i}.`) }, 200))
    .openapi(patch, async (c) => {
      const { companyId } = c.get('principal');
      const { externalId } = c.req.valid('param');
      const input = c.req.valid('json');
      const dto = await c.get('em').transactional(async (tx) => {
        const s = (await rowsOf(tx, companyId, [externalId])).get(externalId);
        if (!s) throw new NotFoundError('conversion', externalId);
        if (s.type !== 'lead') throw ValidationError.field('leadStage', `only a lead has a stage (${externalId} is a ${s.type})`);
        const next = { lead_stage: input.leadStage ?? s.lead_stage, quality_score: input.qualityScore ?? s.quality_score, lead_source: input.leadSource ?? s.lead_source };
        const changed = next.lead_stage !== s.lead_stage || next.quality_score !== s.quality_score || next.lead_source !== s.lead_source;
        if (changed) await moveLeads(tx, companyId, [{ external_id: externalId, ...next }]);
        return toDto((await rowsOf(tx, companyId, [externalId])).get(externalId)!, changed ? 'updated' : 'unchanged');
      });
      return c.json(dto, 200);
    });
}
