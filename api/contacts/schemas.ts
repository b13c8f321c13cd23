/** What the contact and suppression routes accept and return. */
import { CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { SUPPRESSION_REASONS } from '../../db/entities/contact.ts';
import { z } from '../openapi-zod.ts';
import { PageQuery, pageOf } from '../openapi.ts';
import { BoolQuery } from '../segments/query.ts';

const Consent = z.object({ granted: z.boolean(), source: z.string(), at: z.string() });

export const Contact = z
  .object({
    id: z.uuid(),
    email: z.string().nullable().openapi({ description: 'Masked (j***@example.com) for roles without pii:read' }),
    phone: z.string().nullable().openapi({ description: 'Masked (+1******4567) for roles without pii:read' }),
    whatsappNumber: z.string().nullable(),
    pushToken: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    region: z.string().nullable(),
    timeZone: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    consent: z.record(z.string(), Consent),
    unsubscribedAt: z.string().nullable(),
    bouncedAt: z.string().nullable(),
    complainedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    masked: z.boolean().openapi({ description: 'True when personal fields are masked for the caller' }),
  })
  .openapi('Contact');
export type ContactDto = z.infer<typeof Contact>;

const text = (max: number) => z.string().max(max);
const editable = {
  email: text(254).nullable().openapi({ example: 'ann@example.com' }),
  phone: text(40).nullable().openapi({ description: 'E.164, e.g. +15551234567' }),
  whatsappNumber: text(40).nullable(),
  pushToken: text(512).nullable(),
  firstName: text(100).nullable(),
  lastName: text(100).nullable(),
  region: text(64).nullable(),
  timeZone: text(64).nullable().openapi({ example: 'Europe/Paris' }),
  attributes: z.record(z.string(), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).openapi({ description: 'Custom attributes (attributes.<name> in segment rules)' }),
};

export const ContactCreate = z
  .strictObject(editable)
  .partial()
  .openapi('ContactCreate', { description: 'At least one of email, phone, whatsappNumber or pushToken' });

export const ContactPatch = z.strictObject(editable).partial().openapi('ContactPatch', { description: 'attributes are merged; a null attribute removes it' });

export const ContactListQuery = z.object({
  ...PageQuery,
  q: z.string().max(200).optional().openapi({ description: 'Free text over e-mail and name (names only for roles without pii:read)' }),
  region: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional()
    .openapi({ description: 'Comma-separated regions', example: 'East,West' }),
  consent: z.enum(CAMPAIGN_CHANNELS).optional().openapi({ description: 'Only contacts whose consent for this channel is consentGranted' }),
  consentGranted: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .openapi({ description: 'With consent: true (default) granted; false withdrawn or never given' }),
  unsubscribed: BoolQuery,
  sort: z.enum(['createdAt', 'updatedAt', 'email', 'lastName']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const ContactPage = pageOf(Contact, 'ContactPage');

export const ConsentUpdate = z
  .strictObject({
    channel: z.enum(CAMPAIGN_CHANNELS),
    granted: z.boolean(),
    source: z.string().trim().min(1).max(64).openapi({ description: 'Where it came from: form, call-centre, import…', example: 'preference-form' }),
  })
  .openapi('ConsentUpdate');

export const ImportReport = z
  .object({
    inserted: z.number().int(),
    updated: z.number().int(),
    rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })).openapi({ description: 'The first 1 000 rejected rows, by line of the file' }),
    rejectedCount: z.number().int(),
  })
  .openapi('ContactImportReport');

export const Suppression = z
  .object({
    id: z.uuid(),
    channel: z.enum(CAMPAIGN_CHANNELS),
    address: z.string().openapi({ description: 'Masked for roles without pii:read' }),
    reason: z.enum(SUPPRESSION_REASONS),
    source: z.string(),
    createdAt: z.string(),
  })
  .openapi('Suppression');
export type SuppressionDto = z.infer<typeof Suppression>;

export const SuppressionCreate = z
  .strictObject({
    channel: z.enum(CAMPAIGN_CHANNELS),
    address: z.string().trim().min(1).max(512),
    reason: z.enum(SUPPRESSION_REASONS).default('manual'),
    source: z.string().trim().min(1).max(64).default('api'),
  })
  .openapi('SuppressionCreate');

export const SuppressionListQuery = z.object({
  ...PageQuery,
  channel: z.enum(CAMPAIGN_CHANNELS).optional(),
  reason: z.enum(SUPPRESSION_REASONS).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Address contains (needs pii:read)' }),
});

export const SuppressionPage = pageOf(Suppression, 'SuppressionPage');
