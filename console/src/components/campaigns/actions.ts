/** Which actions a campaign offers: both its state and the user's role must allow each one. */
import type { Permission } from '../../api/session.ts';
import type { CampaignStatus } from './status.ts';

export type CampaignAction = 'submit' | 'approve' | 'reject' | 'send-now' | 'pause' | 'resume' | 'stop';

const RULES: Record<CampaignAction, { states: CampaignStatus[]; permission: Permission }> = {
  submit: { states: ['draft', 'rejected'], permission: 'launch' },
  approve: { states: ['pending_approval'], permission: 'approve' },
  reject: { states: ['pending_approval'], permission: 'approve' },
  'send-now': { states: ['approved', 'scheduled'], permission: 'launch' },
  pause: { states: ['sending'], permission: 'control' },
  resume: { states: ['paused'], permission: 'control' },
  stop: { states: ['pending_approval', 'approved', 'scheduled', 'sending', 'paused'], permission: 'control' },
};

/**
 * `tracked`: a tracked-only campaign (paid ads, social, organic, direct mail). Herald sends nothing
 * there, so there is nothing to pause or resume (the API refuses both); stop ends its tracking.
 */
export function availableActions(status: CampaignStatus, can: (p: Permission) => boolean, isCreator: boolean, tracked = false): CampaignAction[] {
  return (Object.keys(RULES) as CampaignAction[]).filter((a) => {
    const r = RULES[a];
    if (!r.states.includes(status) || !can(r.permission)) return false;
    if (tracked && (a === 'pause' || a === 'resume')) return false;
    // Nobody approves or rejects their own campaign.
    return !((a === 'approve' || a === 'reject') && isCreator);
  });
}

/** What a confirmation says will happen, for the actions that cannot be undone or stop sending. */
export function consequence(action: CampaignAction, remaining: number, tracked = false): string | null {
  if (tracked && action === 'stop') return 'Tracking ends now instead of at its end date. The figures recorded so far stay with the campaign. A stopped campaign cannot be resumed.';
  if (tracked && action === 'send-now') return 'Tracking starts now instead of at the scheduled start.';
  if (action === 'stop') return `${remaining.toLocaleString()} message${remaining === 1 ? '' : 's'} not yet sent will be skipped. A stopped campaign cannot be resumed.`;
  if (action === 'pause') return 'No new messages go out until you resume; messages already on their way finish.';
  if (action === 'send-now') return 'Sending starts now instead of at the scheduled time.';
  return null;
}
