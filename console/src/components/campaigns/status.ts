/** The workflow's own state names, as people read them, with a colour and an icon (never colour alone). */
import { mdiCancel, mdiCheckCircle, mdiClockOutline, mdiCloseCircle, mdiPauseCircle, mdiPencil, mdiSend, mdiAlertCircle, mdiThumbUp, mdiStopCircle, mdiAccountClock } from '@mdi/js';

export const STATUS_LABELS = {
  draft: 'Draft',
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
  stopped: 'Stopped',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  failed: 'Failed',
} as const;
export type CampaignStatus = keyof typeof STATUS_LABELS;

export const STATUS_LOOK: Record<CampaignStatus, { color: string; icon: string }> = {
  draft: { color: 'default', icon: mdiPencil },
  pending_approval: { color: 'warning', icon: mdiAccountClock },
  approved: { color: 'info', icon: mdiThumbUp },
  scheduled: { color: 'info', icon: mdiClockOutline },
  sending: { color: 'primary', icon: mdiSend },
  paused: { color: 'warning', icon: mdiPauseCircle },
  completed: { color: 'success', icon: mdiCheckCircle },
  stopped: { color: 'default', icon: mdiStopCircle },
  cancelled: { color: 'default', icon: mdiCancel },
  rejected: { color: 'error', icon: mdiCloseCircle },
  failed: { color: 'error', icon: mdiAlertCircle },
};
