/**
 * Scheduled reports (seed 000): a user subscribes to a weekly or monthly report; a Temporal Schedule
 * per subscription renders it and e-mails it with its attachments. Each period is delivered once:
 * a retried run finds the period's delivery row already sent.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { CampaignSchema } from './campaign.ts';
import { tenantFilter } from '../tenant.ts';
import { REPORT_FREQUENCIES, REPORT_KINDS } from '../../domain/report-schedule.ts';

export const ReportSubscriptionSchema = defineEntity({
  name: 'ReportSubscription',
  tableName: 'report_subscriptions',
  filters: tenantFilter,
  indexes: [{ properties: ['company', 'user'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    /** Who receives it, at their account's e-mail address, with their role's view of the data. */
    user: () => p.manyToOne(UserSchema).ref().deleteRule('cascade'),
    name: p.string().length(200),
    kind: p.enum([...REPORT_KINDS]),
    frequency: p.enum([...REPORT_FREQUENCIES]),
    campaign: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('cascade'),
    /** The dashboard filters the report applies: channel, region, team lists. */
    filters: p.json<Record<string, string[]>>().default('{}'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type ReportSubscription = InferEntity<typeof ReportSubscriptionSchema>;

export const REPORT_DELIVERY_STATUSES = ['sending', 'sent', 'failed'] as const;

export const ReportDeliverySchema = defineEntity({
  name: 'ReportDelivery',
  tableName: 'report_deliveries',
  filters: tenantFilter,
  uniques: [{ properties: ['subscription', 'periodFrom'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    subscription: () => p.manyToOne(ReportSubscriptionSchema).ref().deleteRule('cascade'),
    periodFrom: p.date(),
    periodTo: p.date(),
    status: p.enum([...REPORT_DELIVERY_STATUSES]).default('sending'),
    error: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
});
export type ReportDelivery = InferEntity<typeof ReportDeliverySchema>;
