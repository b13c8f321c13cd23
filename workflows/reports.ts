/**
 * One scheduled report delivery: a Temporal Schedule per subscription starts this workflow at each
 * delivery time; the activity renders and e-mails the report for the period before that time.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportActivities, ReportResult } from '../activities/campaign-types.ts';
import type { ScheduledReportInput } from './report-messages.ts';

const { sendReport } = proxyActivities<ReportActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '30 minutes', maximumAttempts: 20 },
});

export async function scheduledReportWorkflow(input: ScheduledReportInput): Promise<ReportResult> {
  // The run's start time decides the period, so a retry or a late catch-up reports the same one.
  return sendReport({ subscriptionId: input.subscriptionId, asOf: workflowInfo().runStartTime.toISOString() });
}
