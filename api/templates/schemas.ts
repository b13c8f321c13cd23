/** What the template routes accept and return (seed 001 CampaignTemplate). */
import { CAMPAIGN_CHANNELS, CAMPAIGN_TYPES } from '../../domain/campaign-rules.ts';
import { z } from '../openapi-zod.ts';
import { PageQuery, pageOf } from '../openapi.ts';
import { ContentSchema } from '../campaigns/schemas.ts';
import { BoolQuery } from '../segments/query.ts';

export const Template = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(CAMPAIGN_TYPES),
    channel: z.enum(CAMPAIGN_CHANNELS),
    structure: z.record(z.string(), z.unknown()),
    defaultSettings: z.record(z.string(), z.unknown()),
    content: z.record(z.string(), z.unknown()),
    assetReferences: z.array(z.string()),
    isActive: z.boolean(),
    isDefault: z.boolean().openapi({ description: 'At most one default per type and channel' }),
    usageCount: z.number().int(),
    usedBy: z.number().int().openapi({ description: 'Campaigns linked to this template' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Template');
export type TemplateDto = z.infer<typeof Template>;

const editable = {
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only, starting with a letter or digit')
    .openapi({ example: 'TPL-WELCOME' }),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(5000).nullable(),
  type: z.enum(CAMPAIGN_TYPES),
  channel: z.enum(CAMPAIGN_CHANNELS),
  structure: z.record(z.string(), z.unknown()),
  defaultSettings: z.record(z.string(), z.unknown()),
  content: ContentSchema,
  assetReferences: z.array(z.string().min(1).max(500)).max(100),
  isActive: z.boolean(),
  isDefault: z.boolean(),
};

export const TemplateCreate = z
  .strictObject({
    ...editable,
    description: editable.description.optional(),
    structure: editable.structure.optional(),
    defaultSettings: editable.defaultSettings.optional(),
    content: editable.content.optional(),
    assetReferences: editable.assetReferences.optional(),
    isActive: editable.isActive.optional(),
    isDefault: editable.isDefault.optional(),
  })
  .openapi('TemplateCreate');
export type TemplateInput = z.infer<typeof TemplateCreate>;

export const TemplatePatch = z.strictObject(editable).partial().openapi('TemplatePatch');

export const TemplateListQuery = z.object({
  ...PageQuery,
  is_active: BoolQuery.openapi({ description: 'seed 001 is_active' }),
  template_type: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(CAMPAIGN_TYPES)))
    .optional()
    .openapi({ description: 'seed 001 template_type: comma-separated campaign types', example: 'newsletter,promotional' }),
  channel: z.enum(CAMPAIGN_CHANNELS).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Free text over code, name and description' }),
  sort: z.enum(['name', 'code', 'createdAt', 'updatedAt', 'usageCount']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const TemplatePage = pageOf(Template, 'TemplatePage');
