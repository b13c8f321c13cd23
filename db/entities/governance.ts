/** Approvals, the audit trail and in-app notifications. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { CampaignSchema } from './campaign.ts';
import { tenantFilter } from '../tenant.ts';

export const APPROVAL_DECISIONS = ['approved', 'rejected', 'expired'] as const;

export const ApprovalSchema = defineEntity({
  name: 'Approval',
  tableName: 'approvals',
  filters: tenantFilter,
  indexes: [{ properties: ['campaign', 'decidedAt'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    decision: p.enum([...APPROVAL_DECISIONS]),
    /** Null for an expiry, which nobody decided. */
    approver: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('restrict'),
    comment: p.text().nullable(),
    /** SHA-256 of the content and audience that were approved: an edit after approval is visible. */
    contentHash: p.string().length(64),
    decidedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Approval = InferEntity<typeof ApprovalSchema>;

/** Append-only (a trigger in the migration rejects UPDATE and DELETE). */
export const AuditLogSchema = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  filters: tenantFilter,
  indexes: [{ properties: ['company', 'entityType', 'entityId', 'createdAt'] }, { properties: ['company', 'createdAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    /** Null when the system acted (a workflow transition, an expiry). */
    actor: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('restrict'),
    action: p.string().length(64),
    entityType: p.string().length(64),
    entityId: p.string().length(64),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    requestId: p.string().length(64).nullable(),
    /** Client address of the request that made the change (null for system actions). */
    ip: p.string().length(45).nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type AuditLog = InferEntity<typeof AuditLogSchema>;

export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  filters: tenantFilter,
  indexes: [
    {
      name: 'notifications_unread_idx',
      expression: 'create index "notifications_unread_idx" on "notifications" ("user_id", "created_at") where "read_at" is null',
    },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    user: () => p.manyToOne(UserSchema).ref().deleteRule('cascade'),
    kind: p.string().length(64),
    payload: p.json<Record<string, unknown>>().default('{}'),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Notification = InferEntity<typeof NotificationSchema>;
