import { describe, expect, it } from 'vitest';
import { availableActions, consequence } from './actions.ts';

const role = (perms: string[]) => (p: string) => perms.includes(p);

describe('campaign actions by state and role', () => {
  it('offers a manager submit on a draft, and pause/stop while sending', () => {
    const manager = role(['read', 'create', 'update', 'launch', 'control']);
    expect(availableActions('draft', manager, true)).toEqual(['submit']);
    expect(availableActions('sending', manager, true)).toEqual(['pause', 'stop']);
    expect(availableActions('paused', manager, true)).toEqual(['resume', 'stop']);
  });

  it('offers an approver approve/reject, except on their own campaign', () => {
    const approver = role(['read', 'approve']);
    expect(availableActions('pending_approval', approver, false)).toEqual(['approve', 'reject']);
    expect(availableActions('pending_approval', approver, true)).toEqual([]);
  });

  it('offers a viewer nothing in any state', () => {
    for (const s of ['draft', 'pending_approval', 'scheduled', 'sending', 'paused', 'completed'] as const) expect(availableActions(s, role(['read']), false)).toEqual([]);
  });

  it('offers no pause or resume on a tracked campaign (nothing is sent), only stop', () => {
    const manager = role(['read', 'create', 'update', 'launch', 'control']);
    expect(availableActions('sending', manager, true, true)).toEqual(['stop']);
    expect(availableActions('paused', manager, true, true)).toEqual(['stop']);
    expect(availableActions('draft', manager, true, true)).toEqual(['submit']);
  });

  it('says a tracked stop ends the tracking and keeps the figures, not that messages are skipped', () => {
    const said = consequence('stop', 0, true)!;
    expect(said).toMatch(/^Tracking ends now/);
    expect(said).toContain('figures recorded so far stay');
    expect(said).not.toContain('message');
  });

  it('says how many messages a stop will skip', () => {
    expect(consequence('stop', 4213)).toMatch(/^4,213 messages not yet sent will be skipped/);
    expect(consequence('stop', 1)).toMatch(/^1 message not yet sent/);
  });
});
