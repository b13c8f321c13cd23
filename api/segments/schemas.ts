/** What the segment routes accept and return. */
import { SEGMENT_TYPES } from '../../db/entities/segment.ts';
import { SAMPLE_MAX } from '../../db/repositories/segments.ts';
import { SEGMENT_OPERATORS } from '../../domain/segment-types.ts';
import { z } from '../openapi-zod.ts';
import { PageQuery, pageOf } from '../openapi.ts';

const Rules = z
  .unknown()
  .openapi({
    description: 'A rule tree: { all: [...] }, { any: [...] }, { not: rule } or { field, op, value }; null: every contact. GET /api/segments/fields lists the fields and operators.',
    example: { all: [{ field: 'region', op: '=', value: 'East' }, { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }] },
  });

const UserRef = z.object({ id: z.uuid(), name: z.string() }).nullable();

export const Segment = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(SEGMENT_TYPES),
    rules: z.unknown().openapi({ description: 'The rule tree; null: every contact' }),
    summary: z.string().openapi({ description: 'The rules in words', example: 'Region is East' }),
    lastCount: z.number().int().nullable().openapi({ description: 'Audience size at the last preview of this segment' }),
    countedAt: z.string().nullable(),
    usedBy: z.number().int().openapi({ description: 'Campaigns (not archived) whose audience is this segment' }),
    createdBy: UserRef,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Segment');
export type SegmentDto = z.infer<typeof Segment>;

export const SegmentCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(5000).nullable().optional(),
    type: z.enum(SEGMENT_TYPES).optional().openapi({ description: 'Default: mixed' }),
    rules: Rules.nullable(),
  })
  .openapi('SegmentCreate');

export const SegmentPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(5000).nullable(),
    type: z.enum(SEGMENT_TYPES),
    rules: Rules.nullable(),
  })
  .partial()
  .openapi('SegmentPatch');

export const SegmentListQuery = z.object({
  ...PageQuery,
  q: z.string().max(200).optional().openapi({ description: 'Free text over name and description' }),
  type: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(SEGMENT_TYPES)))
    .optional()
    .openapi({ description: 'Comma-separated segment types (seed 001 segment_type)', example: 'demographic,geographic' }),
  campaignId: z.uuid().optional().openapi({ description: 'Only segments that are the audience of this campaign (seed 001 campaign_id)' }),
  minCount: z.coerce.number().int().min(0).optional().openapi({ description: 'Last counted audience at least this (seed 001 target_count_range)' }),
  maxCount: z.coerce.number().int().min(0).optional(),
  sort: z.enum(['name', 'createdAt', 'updatedAt', 'lastCount']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const SegmentPage = pageOf(Segment, 'SegmentPage');

export const PreviewRequest = z
  .strictObject({
    segmentId: z.uuid().optional().openapi({ description: 'Preview a saved segment (its count is saved as lastCount)' }),
    rules: Rules.nullable().optional().openapi({ description: 'Preview a rule tree that is not saved; null: every contact' }),
    sampleSize: z.number().int().min(1).max(SAMPLE_MAX).default(10),
  })
  .openapi('SegmentPreviewRequest');

export const SampleContact = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    region: z.string().nullable(),
    timeZone: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
  })
  .openapi('AudienceSample', { description: 'Personal fields are masked for roles without pii:read' });

export const Preview = z
  .object({
    count: z.number().int().openapi({ description: 'Exact number of matching contacts' }),
    summary: z.string(),
    sample: z.array(SampleContact),
    masked: z.boolean(),
    countedAt: z.string(),
  })
  .openapi('SegmentPreview');

export const FieldCatalogue = z
  .object({
    fields: z.array(z.object({ field: z.string(), label: z.string(), type: z.string(), operators: z.array(z.enum(SEGMENT_OPERATORS)) })),
    attributes: z.object({
      prefix: z.string().openapi({ example: 'attributes.' }),
      keyPattern: z.string(),
      operators: z.array(z.enum(SEGMENT_OPERATORS)),
      description: z.string(),
    }),
    operatorsByType: z.record(z.string(), z.array(z.enum(SEGMENT_OPERATORS))),
    limits: z.record(z.string(), z.number()),
  })
  .openapi('SegmentFieldCatalogue');
