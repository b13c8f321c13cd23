/** The workflow's own state names, as people read them, with a colour and an icon (never colour alone). */
import { STATE_LABELS, type CampaignState } from '../../../../domain/campaign-states.ts';
import { isTrackedChannel } from '../../../../domain/campaign-rules.ts';
import { mdiChartTimelineVariant, mdiCancel, mdiCheckCircle, mdiClockOutline, mdiCloseCircle, mdiPauseCircle, mdiPencil, mdiSend, mdiAlertCircle, mdiThumbUp, mdiStopCircle, mdiAccountClock } from '@mdi/js';

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

/**
 * How a campaign's state reads for its channel. A tracked-only campaign (paid ads, social, organic,
 * direct mail) is in the workflow's `sending` state while it runs, but Herald sends nothing there:
 * it tracks the figures people record, so people read "Tracking". `state` keeps the workflow's name.
 */
export function statusView(status: CampaignStatus, channel?: string | null): { label: string; color: string; icon: string; state: string } {
  const state = STATUS_LABELS[status];
  if (status === 'sending' && channel && isTrackedChannel(channel)) return { label: 'Tracking', color: 'primary', icon: mdiChartTimelineVariant, state };
  return { label: state, ...STATUS_LOOK[status], state };
}
