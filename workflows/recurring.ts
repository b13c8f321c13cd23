/**
 * Recurring campaigns: a Temporal Schedule starts this workflow once per occurrence (e.g. a weekly
 * newsletter). Each occurrence becomes a campaign of its own (a copy of the recurring campaign with
 * its own recipients and results), sent by the ordinary campaign workflow as a child.
 */
import { ParentClosePolicy, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RecurringActivities } from '../activities/campaign-types.ts';
import { campaignWorkflow } from './campaign.ts';
import { campaignWorkflowId, type CampaignOptions, type CampaignResult } from './campaign-messages.ts';

export interface RecurringCampaignInput {
  campaignId: string;
  companyId: string;
  createdBy: string;
  approvalRequired: boolean;
  /**
   * The content hash the series was approved with (set by a series the API submitted). An
   * occurrence whose copied content hashes the same needs no approval of its own; one that differs
   * (it cannot, while the series is live and so not editable, but the check is cheap) waits for one.
   */
  approvedContentHash?: string;
  options?: Partial<CampaignOptions>;
}

const { createOccurrence } = proxyActivities<RecurringActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

export async function recurringCampaignWorkflow(input: RecurringCampaignInput): Promise<CampaignResult & { occurrenceId: string }> {
  // The schedule gives each run its own id, so retries of this activity find the same occurrence.
  const occurrence = await createOccurrence({ campaignId: input.campaignId, companyId: input.companyId, occurrenceKey: workflowInfo().workflowId });
  const result = await executeChild(campaignWorkflow, {
    workflowId: campaignWorkflowId(occurrence.campaignId),
    args: [
      {
        version: 1,
        campaignId: occurrence.campaignId,
        companyId: input.companyId,
        createdBy: input.createdBy,
        approvalRequired: input.approvedContentHash === undefined ? input.approvalRequired : occurrence.contentHash !== input.approvedContentHash,
        startAt: null,
        contentHash: occurrence.contentHash,
        ...(input.options ? { options: input.options } : {}),
      },
    ],
    // An occurrence that is sending keeps sending even if the schedule's run is cleaned up.
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  return { ...result, occurrenceId: occurrence.campaignId };
}
