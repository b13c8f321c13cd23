import { CompanySchema } from './company.ts';
import { TeamSchema, UserSchema } from './user.ts';
import { ContactSchema, ContactSegmentableSchema, SuppressionSchema } from './contact.ts';
import { CampaignBudgetSchema, CampaignSchema, CampaignTemplateSchema } from './campaign.ts';
import { CampaignBudgetAllocationSchema, CampaignCollaboratorSchema, CampaignTemplateLinkSchema } from './campaign-links.ts';
import { CampaignSegmentSchema, SegmentSchema } from './segment.ts';
import { CampaignRecipientSchema, MessageEventSchema } from './delivery.ts';
import { ConversionSchema, OrderSchema, SpendEntrySchema } from './revenue.ts';
import { CampaignFunnelSchema, CampaignPerformanceMetricSchema } from './rollups.ts';
import { CampaignChannelMetricSchema } from './channel-metrics.ts';
import {
  CampaignEngagementHourSchema,
  CampaignLinkClickSchema,
  CampaignRegionMetricSchema,
  CampaignRetailerMetricSchema,
  MessageEngagementSchema,
  UnattributedMetricSchema,
} from './rollup-breakdowns.ts';
import { ApiKeySchema } from './api-key.ts';
import { ApprovalSchema, AuditLogSchema, NotificationSchema } from './governance.ts';
import { ProviderRateLimitSchema } from './rate-limit.ts';
import { IdempotencyKeySchema, RefreshTokenSchema } from './auth.ts';
import { OutboxEventSchema } from './outbox.ts';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookSubscriptionSchema } from './integrations.ts';
import { ReportDeliverySchema, ReportSubscriptionSchema } from './reports.ts';
import { CampaignTrackingSchema, TrackedLinkSchema } from './tracking.ts';
import { DashboardLayoutSchema } from './dashboard-layout.ts';
import { ExchangeRateSchema } from './exchange-rate.ts';

export * from './company.ts';
export * from './user.ts';
export * from './contact.ts';
export * from './campaign.ts';
export * from './campaign-links.ts';
export * from './segment.ts';
export * from './delivery.ts';
export * from './tracking.ts';
export * from './revenue.ts';
export * from './rollups.ts';
export * from './channel-metrics.ts';
export * from './rollup-breakdowns.ts';
export * from './api-key.ts';
export * from './governance.ts';
export * from './rate-limit.ts';
export * from './auth.ts';
export * from './outbox.ts';
export * from './dashboard-layout.ts';
export * from './exchange-rate.ts';
export * from './integrations.ts';
export * from './reports.ts';

/** Every entity that belongs to a company: the tenant-isolation test walks this list. */
export const TENANT_ENTITIES = [
  TeamSchema,
  UserSchema,
  ContactSchema,
  ContactSegmentableSchema,
  SuppressionSchema,
  CampaignSchema,
  CampaignTemplateSchema,
  CampaignBudgetSchema,
  CampaignTemplateLinkSchema,
  CampaignBudgetAllocationSchema,
  CampaignCollaboratorSchema,
  SegmentSchema,
  CampaignSegmentSchema,
  CampaignRecipientSchema,
  MessageEventSchema,
  TrackedLinkSchema,
  CampaignTrackingSchema,
  ConversionSchema,
  OrderSchema,
  SpendEntrySchema,
  CampaignPerformanceMetricSchema,
  CampaignFunnelSchema,
  CampaignChannelMetricSchema,
  CampaignRegionMetricSchema,
  CampaignRetailerMetricSchema,
  CampaignEngagementHourSchema,
  CampaignLinkClickSchema,
  MessageEngagementSchema,
  UnattributedMetricSchema,
  ApiKeySchema,
  ApprovalSchema,
  AuditLogSchema,
  NotificationSchema,
  IdempotencyKeySchema,
  RefreshTokenSchema,
  OutboxEventSchema,
  WebhookSubscriptionSchema,
  WebhookDeliverySchema,
  WebhookAttemptSchema,
  DashboardLayoutSchema,
  ExchangeRateSchema,
  ReportSubscriptionSchema,
  ReportDeliverySchema,
];

/** Every entity, in one list: the ORM config, the migration check and the tenant test use it. */
export const ENTITIES = [CompanySchema, ProviderRateLimitSchema, ...TENANT_ENTITIES];
