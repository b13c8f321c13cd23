/** The workflow's own state names, as people read them, with a colour and an icon (never colour alone). */
import { STATE_LABELS, type CampaignState } from '../../../../domain/campaign-states.ts';
import { mdiCancel, mdiCheckCircle, mdiClockOutline, mdiCloseCircle, mdiPauseCircle, mdiPencil, mdiSend, mdiAlertCircle, mdiThumbUp, mdiStopCircle, mdiAccountClock } from '@mdi/js';

/** The labels are domain/'s, so the console and the API's messages name states alike. */
export const STATUS_LABELS = STATE_LABELS;
export type CampaignStatus = CampaignState;

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
