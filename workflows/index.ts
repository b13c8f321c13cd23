/**
 * The worker's workflow entry point: every workflow Herald runs is exported from here, and nothing
 * else. Deterministic code only (see the lint override for this folder).
 */
export { campaignWorkflow } from './campaign.ts';
export { recurringCampaignWorkflow } from './recurring.ts';
export { webhookDispatcherWorkflow } from './webhooks.ts';
export { scheduledReportWorkflow } from './reports.ts';
