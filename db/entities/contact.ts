import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export interface ChannelConsent {
  granted: boolean;
  /** Where the consent (or its withdrawal) came from: form, import, api, unsubscribe link, inbound STOP… */
  source: string;
  at: string;
}
export type ConsentMap = Partial<Record<(typeof CAMPAIGN_CHANNELS)[number], ChannelConsent>>;

/** The CRM audience. Column names match domain/segment-types.ts CONTACT_FIELDS. */
export const ContactSchema = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  filters: tenantFilter,
  indexes: [
    { properties: ['company', 'region'] },
    // Segment rules on created_at ("joined within 30 days") count from this index instead of a scan.
    { properties: ['company', 'createdAt'] },
    { name: 'contacts_attributes_gin', expression: 'create index "contacts_attributes_gin" on "contacts" using gin ("attributes")' },
    { name: 'contacts_company_phone_idx', expression: 'create index "contacts_company_phone_idx" on "contacts" ("company_id", "phone") where "phone" is not null' },
  ],
  uniques: [{ properties: ['company', 'email'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    email: p.string().length(254).nullable(),
    phone: p.string().length(32).nullable(),
    whatsappNumber: p.string().length(32).nullable(),
    pushToken: p.string().length(512).nullable(),
    firstName: p.string().length(100).nullable(),
    lastName: p.string().length(100).nullable(),
    region: p.string().length(64).nullable(),
    timeZone: p.string().length(64).nullable(),
    attributes: p.json<Record<string, unknown>>().default('{}'),
    consent: p.json<ConsentMap>().default('{}'),
    unsubscribedAt: p.datetime().nullable(),
    bouncedAt: p.datetime().nullable(),
    complainedAt: p.datetime().nullable(),
    /** Who the contact's account owner is (seed 004 retailers belong to a sales user). */
    owner: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Contact = InferEntity<typeof ContactSchema>;

/**
 * What an audience count reads instead of contacts: the columns segment rules filter on besides
 * addresses and names, about half the bytes of a contacts row. Written only by the triggers on
 * contacts (migration 20261125033000), in the same transaction as every contacts write; never
 * written through the ORM.
 */
export const ContactSegmentableSchema = defineEntity({
  name: 'ContactSegmentable',
  tableName: 'contacts_segmentable',
  filters: tenantFilter,
  properties: {
    company: () => p.manyToOne(CompanySchema).ref().primary().deleteRule('cascade'),
    contactId: p.uuid().primary(),
    region: p.string().length(64).nullable(),
    timeZone: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    unsubscribedAt: p.datetime().nullable(),
    bouncedAt: p.datetime().nullable(),
    complainedAt: p.datetime().nullable(),
    attributes: p.json<Record<string, unknown>>().default('{}'),
  },
});
export type ContactSegmentable = InferEntity<typeof ContactSegmentableSchema>;

export const SUPPRESSION_REASONS = ['unsubscribed', 'hard_bounce', 'complaint', 'inbound_stop', 'manual'] as const;

/** Address-level do-not-contact list: survives the contact being deleted and re-imported. */
export const SuppressionSchema = defineEntity({
  name: 'Suppression',
  tableName: 'suppressions',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'channel', 'address'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    channel: p.enum([...CAMPAIGN_CHANNELS]),
    /** Normalised: e-mail lower-cased, phone in E.164. */
    address: p.string().length(512),
    reason: p.enum([...SUPPRESSION_REASONS]),
    source: p.string().length(64),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Suppression = InferEntity<typeof SuppressionSchema>;
