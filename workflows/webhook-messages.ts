/** What the API needs to start and wake a subscription's webhook dispatcher (no workflow code here). */
import { defineSignal } from '@temporalio/workflow';

export interface WebhookDispatcherInput {
  subscriptionId: string;
  companyId: string;
}

export const webhookDispatcherWorkflowId = (subscriptionId: string) => `webhooks-${subscriptionId}`;

/** Look for due deliveries now instead of at the next poll (a test ping, a manual retry). */
export const wakeSignal = defineSignal('wake');
