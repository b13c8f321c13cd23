import { describe, expect, it } from 'vitest';
import {
  assertEditable,
  assertTransition,
  CAMPAIGN_STATES,
  canTransition,
  isCampaignState,
  isEditable,
  isTerminal,
  nextStates,
  stateAfterEdit,
  stateOnSubmit,
  toSeedStatus,
  type CampaignState,
} from './campaign-states.ts';
import { ConflictError } from './errors.ts';

/** The whole graph written out by hand, so a change to it is a deliberate change to this table. */
const EXPECTED: Record<CampaignState, CampaignState[]> = {
  draft: ['pending_approval', 'scheduled', 'stopped', 'cancelled'],
  pending_approval: ['approved', 'stopped', 'cancelled', 'rejected', 'failed'],
  approved: ['pending_approval', 'scheduled', 'sending', 'stopped', 'cancelled', 'failed'],
  scheduled: ['pending_approval', 'sending', 'stopped', 'cancelled', 'failed'],
  sending: ['paused', 'completed', 'stopped', 'cancelled', 'failed'],
  paused: ['sending', 'completed', 'stopped', 'cancelled', 'failed'],
  completed: [],
  stopped: [],
  cancelled: [],
  rejected: ['draft', 'stopped', 'cancelled'],
  failed: [],
};

describe('campaign state graph', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of CAMPAIGN_STATES) {
      expect(nextStates(from), from).toEqual(EXPECTED[from]);
      for (const to of CAMPAIGN_STATES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(EXPECTED[from].includes(to));
      }
    }
  });

  it('follows the main path draft → … → completed', () => {
    const path: CampaignState[] = ['draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'paused', 'sending', 'completed'];
    for (let i = 1; i < path.length; i++) expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
  });

  it('lets a rejected campaign return to draft but never straight to approval', () => {
    expect(canTransition('rejected', 'draft')).toBe(true);
    expect(canTransition('rejected', 'pending_approval')).toBe(false);
  });

  it('never leaves a terminal state, not even to itself', () => {
    for (const s of ['completed', 'stopped', 'cancelled', 'failed'] as const) {
      expect(isTerminal(s)).toBe(true);
      for (const to of CAMPAIGN_STATES) expect(canTransition(s, to)).toBe(false);
    }
    expect(isTerminal('paused')).toBe(false);
    expect(isTerminal('rejected')).toBe(false);
  });

  it('only fails where a workflow runs activities', () => {
    expect(canTransition('draft', 'failed')).toBe(false);
    expect(canTransition('rejected', 'failed')).toBe(false);
    expect(canTransition('sending', 'failed')).toBe(true);
  });

  it('rejects a forbidden move with a 409 naming both states and the allowed ones', () => {
    let caught: unknown;
    try {
      assertTransition('completed', 'sending');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    const err = caught as ConflictError;
    expect(err.code).toBe('invalid_transition');
    expect(err.message).toBe('a campaign cannot go from completed to sending (completed is final)');
    expect(err.details).toEqual({ from: 'completed', to: 'sending', allowed: [] });

    expect(() => assertTransition('draft', 'sending')).toThrow(
      'a campaign cannot go from draft to sending (from draft it can go to pending_approval, scheduled, stopped, cancelled)',
    );
  });

  it('treats staying in the same state as no transition', () => {
    expect(canTransition('scheduled', 'scheduled')).toBe(false);
  });
});

describe('editing', () => {
  it('is allowed only before sending starts', () => {
    expect(CAMPAIGN_STATES.filter(isEditable)).toEqual(['draft', 'pending_approval', 'approved', 'scheduled', 'rejected']);
    expect(() => assertEditable('sending')).toThrow(ConflictError);
    expect(() => assertEditable('paused')).toThrow(
      'a paused campaign can no longer be edited; only campaigns that have not started sending can',
    );
  });

  it('sends an approved or scheduled campaign back for approval when approval is required', () => {
    expect(stateAfterEdit('approved', true)).toBe('pending_approval');
    expect(stateAfterEdit('scheduled', true)).toBe('pending_approval');
    expect(stateAfterEdit('scheduled', false)).toBe('scheduled');
    expect(stateAfterEdit('draft', true)).toBe('draft');
    expect(() => stateAfterEdit('completed', false)).toThrow(ConflictError);
  });

  it('submits to approval or straight onto the calendar', () => {
    expect(stateOnSubmit(true)).toBe('pending_approval');
    expect(stateOnSubmit(false)).toBe('scheduled');
  });
});

describe('seed names', () => {
  it('maps every state onto draft → planned → active → completed', () => {
    expect(CAMPAIGN_STATES.map((s) => [s, toSeedStatus(s)])).toEqual([
      ['draft', 'draft'],
      ['pending_approval', 'draft'],
      ['approved', 'planned'],
      ['scheduled', 'planned'],
      ['sending', 'active'],
      ['paused', 'active'],
      ['completed', 'completed'],
      ['stopped', 'completed'],
      ['cancelled', 'cancelled'],
      ['rejected', 'draft'],
      ['failed', 'cancelled'],
    ]);
  });

  it('recognises state names', () => {
    expect(isCampaignState('paused')).toBe(true);
    expect(isCampaignState('planned')).toBe(false);
    expect(isCampaignState(3)).toBe(false);
  });
});
