/**
 * One dispatcher per webhook subscription, for as long as the subscription is active: it posts the
 * deliveries the fact triggers queue (polling every couple of seconds, or at once when woken),
 * while the activity records attempts and reschedules failures with backoff. Deleting or switching
 * off the subscription ends it; it continues-as-new to keep its history short.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/campaign-types.ts';
import { wakeSignal, type WebhookDispatcherInput } from './webhook-messages.ts';

const POLL_MS = 2_000;
const ROUNDS_PER_RUN = 500;

const { dispatchWebhooks } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function webhookDispatcherWorkflow(input: WebhookDispatcherInput): Promise<void> {
  let woken = false;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    woken = false;
    const result = await dispatchWebhooks({ subscriptionId: input.subscriptionId });
    // Switched off or deleted — unless it was switched back on (a wake signal) while that round
    // ran: ending then would swallow the signal and leave an active subscription with no dispatcher.
    if (!result.active) {
      if (woken) continue;
      return;
    }
    if (result.nextDueInMs !== 0) await condition(() => woken, POLL_MS);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof webhookDispatcherWorkflow>(input);
}
