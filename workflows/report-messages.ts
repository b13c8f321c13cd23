/** What the API needs to schedule a report (no workflow code here). */
export interface ScheduledReportInput {
  subscriptionId: string;
  companyId: string;
}

export const reportScheduleId = (subscriptionId: string) => `report-${subscriptionId}`;
