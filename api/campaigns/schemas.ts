/** What the campaign routes accept and return, described once for validation, types and the OpenAPI document. */
import { ALL_CAMPAIGN_CHANNELS, CAMPAIGN_CATEGORIES, CAMPAIGN_TYPES } from '../../domain/campaign-rules.ts';
import { CAMPAIGN_STATES } from '../../domain/campaign-states.ts';
import { APPROVAL_STATUSES } from '../../db/entities/campaign.ts';
import { RECURRENCE_FREQUENCIES, WEEKDAYS } from '../../domain/campaign-recurrence.ts';
import { z } from '../openapi-zod.ts';
import { InstantQuery, PageQuery, pageOf } from '../openapi.ts';

const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "5000.00"').openapi({ example: '5000.00' });
const Instant = z.string().min(1).openapi({ description: 'ISO 8601 date-time with an offset', example: '2026-12-01T09:00:00Z' });

export const ContentSchema = z
  .strictObject({
    email: z.strictObject({ subject: z.string().min(1).max(500), html: z.string().max(500_000), text: z.string().max(200_000).optional(), preheader: z.string().max(500).optional() }).optional(),
    sms: z.strictObject({ body: z.string().min(1).max(1600) }).optional(),
    whatsapp: z.strictObject({ body: z.string().min(1).max(4096), templateName: z.string().max(200).optional() }).optional(),
    push: z.strictObject({ title: z.string().min(1).max(200), body: z.string().min(1).max(1000), url: z.url().optional() }).optional(),
    webhook: z.strictObject({ url: z.url(), payload: z.string().max(100_000) }).optional(),
  })
  .openapi('CampaignContent');

export const SenderSchema = z
  .strictObject({ fromName: z.string().max(200).optional(), fromEmail: z.email().optional(), replyTo: z.email().optional(), smsFrom: z.string().max(32).optional() })
  .openapi('SenderIdentity');

export const VariantSchema = z.strictObject({ key: z.string().min(1).max(20), split: z.number().int().min(1).max(100), content: ContentSchema.optional() });

export const TargetsSchema = z
  .strictObject({
    audienceSize: z.number().int().min(0).optional(),
    conversionRate: Money.optional().openapi({ description: 'Expected conversion rate in percent' }),
    roi: Money.optional().openapi({ description: 'Target ROI in percent' }),
    leads: z.number().int().min(0).optional(),
    conversions: z.number().int().min(0).optional(),
  })
  .openapi('CampaignTargets');

export const AudienceSchema = z
  .strictObject({
    segmentId: z.uuid().nullable().optional().openapi({ description: 'A saved segment; its rules apply' }),
    rules: z.unknown().optional().openapi({ description: 'A rule tree of the segment language (all/any/not/field-op-value); null: everyone' }),
  })
  .openapi('CampaignAudience');

export const RecurrenceSchema = z
  .strictObject({
    frequency: z.enum(RECURRENCE_FREQUENCIES),
    at: z.string().max(5).openapi({ description: 'Wall-clock time HH:MM (24 h) in timeZone', example: '09:00' }),
    weekdays: z.array(z.enum(WEEKDAYS)).max(7).optional().openapi({ description: 'Weekly: the days it runs on', example: ['mon'] }),
    dayOfMonth: z.number().int().optional().openapi({ description: 'Monthly: 1 to 28', example: 1 }),
    timeZone: z.string().max(64).optional().openapi({ description: "IANA zone; the company's when absent", example: 'Europe/Berlin' }),
  })
  .openapi('CampaignRecurrence', {
    description:
      "A recurring campaign: one occurrence (a campaign of its own, sent to the audience as it is then) per run, from startAt to endAt. Approved once for the series: occurrences carrying the approved content are not approved again. null: a one-off campaign",
  });

const editable = {
  name: z.string().max(200),
  description: z.string().max(5000).nullable(),
  type: z.enum(CAMPAIGN_TYPES),
  category: z.enum(CAMPAIGN_CATEGORIES).nullable(),
  channel: z.enum(ALL_CAMPAIGN_CHANNELS),
  startAt: Instant,
  endAt: Instant,
  budget: Money,
  currency: z.string().length(3),
  targets: TargetsSchema,
  content: ContentSchema,
  sender: SenderSchema,
  variants: z.array(VariantSchema).max(10),
  audience: AudienceSchema,
  recurrence: RecurrenceSchema.nullable(),
};

export const CampaignCreate = z
  .strictObject({
    ...editable,
    code: z.string().max(50).optional().openapi({ description: 'Generated (CMP-2026-0042) when absent' }),
    description: editable.description.optional(),
    category: editable.category.optional(),
    budget: editable.budget.optional(),
    currency: editable.currency.optional(),
    targets: editable.targets.optional(),
    content: editable.content.optional(),
    sender: editable.sender.optional(),
    variants: editable.variants.optional(),
    audience: editable.audience.optional(),
    recurrence: editable.recurrence.optional(),
  })
  .openapi('CampaignCreate');

export const CampaignPatch = z.strictObject({ ...editable, code: z.string().max(50) }).partial().openapi('CampaignPatch');

const UserRef = z.object({ id: z.uuid(), name: z.string() }).nullable();

export const CountsSchema = z.object({ audience: z.number(), sent: z.number(), failed: z.number(), skipped: z.number(), remaining: z.number() });

export const StateSchema = z
  .object({
    status: z.enum(CAMPAIGN_STATES),
    startAt: z.string().nullable(),
    nextWakeAt: z.string().nullable(),
    counts: CountsSchema,
    inFlightBatches: z.array(z.object({ fromSeq: z.number(), toSeq: z.number() })),
    approvals: z.array(z.object({ decision: z.string(), by: z.string().nullable(), at: z.string(), comment: z.string().nullable(), contentHash: z.string() })),
    pauseReason: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('WorkflowState', { description: "The campaign workflow's live `state` query" });

export const CampaignSummary = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    type: z.enum(CAMPAIGN_TYPES),
    category: z.enum(CAMPAIGN_CATEGORIES).nullable(),
    channel: z.enum(ALL_CAMPAIGN_CHANNELS),
    status: z.enum(CAMPAIGN_STATES),
    approvalStatus: z.enum(APPROVAL_STATUSES),
    startAt: z.string(),
    endAt: z.string(),
    budget: z.object({ amount: z.string(), currency: z.string() }),
    actualSpend: z.string(),
    audienceSize: z.number().int(),
    progress: z.object({ sent: z.number(), failed: z.number(), skipped: z.number(), pending: z.number() }).nullable(),
    createdBy: UserRef,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CampaignSummary');

const CampaignRef = z.object({ id: z.uuid(), code: z.string(), name: z.string() });

export const SeriesSchema = z
  .object({
    description: z.string().openapi({ example: 'Every week on Monday at 09:00 (Europe/Berlin)' }),
    schedule: z
      .object({
        paused: z.boolean(),
        note: z.string().nullable(),
        nextRuns: z.array(z.string()).openapi({ description: 'The next run times (ISO), at most 5' }),
      })
      .nullable()
      .openapi({ description: 'The Temporal Schedule; null before the series goes live and after it ends' }),
    occurrences: z.array(
      CampaignRef.extend({
        status: z.enum(CAMPAIGN_STATES),
        createdAt: z.string(),
        sent: z.number().int(),
        failed: z.number().int(),
        audience: z.number().int(),
      }),
    ),
  })
  .openapi('CampaignSeries');

export const Campaign = CampaignSummary.extend({
  description: z.string().nullable(),
  channels: z.array(z.string()),
  targets: z.object({ audienceSize: z.number(), conversionRate: z.string(), roi: z.string(), leads: z.number(), conversions: z.number() }),
  content: z.record(z.string(), z.unknown()),
  sender: z.record(z.string(), z.unknown()),
  variants: z.array(z.record(z.string(), z.unknown())),
  audience: z.object({ segmentId: z.uuid().nullable(), segmentName: z.string().nullable(), rules: z.unknown() }).nullable(),
  version: z.number().int(),
  workflowId: z.string().nullable(),
  approvedBy: UserRef,
  approvedAt: z.string().nullable(),
  approvals: z.array(z.object({ decision: z.string(), approver: UserRef, comment: z.string().nullable(), decidedAt: z.string() })),
  recurrence: RecurrenceSchema.required({ timeZone: true }).nullable(),
  /** An occurrence names the recurring campaign it was copied from. */
  occurrenceOf: CampaignRef.nullable(),
  series: SeriesSchema.optional(),
  state: StateSchema.nullable(),
  warnings: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  segments: z.array(z.record(z.string(), z.unknown())).optional(),
  performance: z.record(z.string(), z.unknown()).nullable().optional(),
}).openapi('Campaign');
export type CampaignDto = z.infer<typeof Campaign>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional();

export const CampaignListQuery = z.object({
  ...PageQuery,
  q: z.string().max(200).optional().openapi({ description: 'Free text over name, code and description' }),
  status: csv(CAMPAIGN_STATES).openapi({ description: 'Comma-separated states', example: 'sending,paused' }),
  type: csv(CAMPAIGN_TYPES),
  channel: csv(ALL_CAMPAIGN_CHANNELS),
  approvalStatus: csv(APPROVAL_STATUSES),
  creator: z.uuid().optional(),
  from: InstantQuery.optional().openapi({ description: 'Campaigns running at or after this instant' }),
  to: InstantQuery.optional().openapi({ description: 'Campaigns starting before this instant' }),
  sort: z.enum(['createdAt', 'updatedAt', 'startAt', 'name', 'code', 'status', 'budget']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const CampaignPage = pageOf(CampaignSummary, 'CampaignPage');

export const GetQuery = z.object({
  include_segments: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  include_performance: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const DecisionBody = z.strictObject({ comment: z.string().max(2000).optional() }).openapi('DecisionRequest');
export const RejectBody = z.strictObject({ comment: z.string().min(1, 'say why, so the creator can fix it').max(2000) }).openapi('RejectRequest');
export const ReasonBody = z.strictObject({ reason: z.string().max(500).optional() }).openapi('ActionRequest');
export const RescheduleBody = z.strictObject({ startAt: Instant }).openapi('RescheduleRequest');
