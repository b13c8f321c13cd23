/**
 * Herald's campaign lifecycle: the states and the only transitions allowed between them.
 *
 * Imported by workflow code, so it must stay deterministic: no clock, no randomness, no I/O, and
 * no imports other than pure `domain/` files.
 */
import { ConflictError } from './errors.ts';

export const CAMPAIGN_STATES = [
  'draft',
  'pending_approval',
  'approved',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'stopped',
  'cancelled',
  'rejected',
  'failed',
] as const;

export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const TERMINAL_STATES: readonly CampaignState[] = ['completed', 'stopped', 'cancelled', 'failed'];

/**
 * States in which a workflow runs activities and can therefore exhaust its retries. `draft` and
 * `rejected` live in the database only, so nothing can fail there.
 */
const FAILABLE: readonly CampaignState[] = ['pending_approval', 'approved', 'scheduled', 'sending', 'paused'];

/** The forward edges of the graph, before the "any non-terminal → stopped/cancelled/failed" rules. */
const FORWARD: Readonly<Record<CampaignState, readonly CampaignState[]>> = {
  // Submission: to approval, or straight to the calendar when the company does not require it.
  draft: ['pending_approval', 'scheduled'],
  pending_approval: ['approved', 'rejected'],
  // `sending` is send-now; `pending_approval` is an edit after approval, which needs approval again.
  approved: ['scheduled', 'sending', 'pending_approval'],
  scheduled: ['sending', 'pending_approval'],
  sending: ['paused', 'completed'],
  // A pause that lands after the last batch finished still completes the campaign.
  paused: ['sending', 'completed'],
  rejected: ['draft'],
  completed: [],
  stopped: [],
  cancelled: [],
  failed: [],
};

const ALLOWED: ReadonlyMap<CampaignState, ReadonlySet<CampaignState>> = new Map(
  CAMPAIGN_STATES.map((from) => {
    const to = new Set<CampaignState>(FORWARD[from]);
    if (!isTerminal(from)) {
      to.add('stopped');
      to.add('cancelled');
    }
    if (FAILABLE.includes(from)) to.add('failed');
    return [from, to] as const;
  }),
);

export function isCampaignState(value: unknown): value is CampaignState {
  return typeof value === 'string' && (CAMPAIGN_STATES as readonly string[]).includes(value);
}

export function isTerminal(state: CampaignState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** Every state `from` may move to, in the order of CAMPAIGN_STATES. */
export function nextStates(from: CampaignState): CampaignState[] {
  const allowed = ALLOWED.get(from);
  return CAMPAIGN_STATES.filter((s) => allowed?.has(s) === true);
}

/** A move to the same state is not a transition (a reschedule keeps `scheduled`): false. */
export function canTransition(from: CampaignState, to: CampaignState): boolean {
  return ALLOWED.get(from)?.has(to) === true;
}

/** Throws a 409 `invalid_transition` naming both states when the graph does not allow the move. */
export function assertTransition(from: CampaignState, to: CampaignState): void {
  if (canTransition(from, to)) return;
  const allowed = nextStates(from);
  const hint = allowed.length === 0 ? `${from} is final` : `from ${from} it can go to ${allowed.join(', ')}`;
  throw new ConflictError(`a campaign cannot go from ${from} to ${to} (${hint})`, 'invalid_transition', {
    from,
    to,
    allowed,
  });
}

/** Content, audience and schedule may change only before sending starts (seed 002). */
export const EDITABLE_STATES: readonly CampaignState[] = ['draft', 'rejected', 'pending_approval', 'approved', 'scheduled'];

export function isEditable(state: CampaignState): boolean {
  return EDITABLE_STATES.includes(state);
}

export function assertEditable(state: CampaignState): void {
  if (isEditable(state)) return;
  throw new ConflictError(
    `a ${state} campaign can no longer be edited; only campaigns that have not started sending can`,
    'campaign_not_editable',
    { state },
  );
}

/**
 * The state an edit leads to. An edit to an approved or scheduled campaign that needed approval
 * sends it back for approval (ARCHITECTURE.md); otherwise the state does not change.
 */
export function stateAfterEdit(state: CampaignState, approvalRequired: boolean): CampaignState {
  assertEditable(state);
  if (approvalRequired && (state === 'approved' || state === 'scheduled')) return 'pending_approval';
  return state;
}

/** Where a submitted draft goes: to the approvers, or straight onto the calendar. */
export function stateOnSubmit(approvalRequired: boolean): CampaignState {
  return approvalRequired ? 'pending_approval' : 'scheduled';
}

/**
 * States that hold a slot on the calendar: the seed's `planned` and `active`. Scheduling-conflict
 * detection only looks at campaigns in these states.
 */
export const CALENDAR_STATES: readonly CampaignState[] = ['approved', 'scheduled', 'sending', 'paused'];

/** Seed 001's status names (draft → planned → active → completed), for exports and reports. */
export type SeedStatus = 'draft' | 'planned' | 'active' | 'completed' | 'cancelled';

export const SEED_STATUS: Readonly<Record<CampaignState, SeedStatus>> = {
  draft: 'draft',
  rejected: 'draft',
  // Waiting for an approver is still a draft in the seed's terms: it holds no calendar slot yet.
  pending_approval: 'draft',
  approved: 'planned',
  scheduled: 'planned',
  sending: 'active',
  paused: 'active',
  completed: 'completed',
  // Stopped campaigns ran and ended early: over, with history worth reporting.
  stopped: 'completed',
  cancelled: 'cancelled',
  failed: 'cancelled',
};

export function toSeedStatus(state: CampaignState): SeedStatus {
  return SEED_STATUS[state];
}

/** What the console shows for each state. */
export const STATE_LABELS: Readonly<Record<CampaignState, string>> = {
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
};
