/**
 * A recurring campaign's own run, once approved (or on the calendar without approval) and due: the
 * campaign workflow hands over here instead of sending. It creates the Temporal Schedule that starts
 * one occurrence per run (workflows/recurring.ts), then mirrors the campaign's controls onto it:
 * pause → schedule paused, resume → unpaused, stop or the series' end date → deleted.
 *
 * States: `sending` is "the series is live" (occurrences start on their own), `paused` is a paused
 * schedule, `stopped`/`completed` end it. An occurrence already sending is not touched: it has its
 * own page and its own pause and stop.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { CampaignState } from '../domain/campaign-states.ts';
import type { CampaignRef, NotifyInput } from '../activities/campaign-types.ts';
import type { SeriesActivities } from '../activities/series.ts';
import type { CampaignOptions, CampaignResult } from './campaign-messages.ts';

const series = proxyActivities<SeriesActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** What the campaign workflow lends the series: its state, its messages' flags and its own steps. */
export interface SeriesContext {
  ref: CampaignRef;
  createdBy: string;
  options: Partial<CampaignOptions> | undefined;
  /** The content as approved: occurrences carrying it are not approved again. */
  contentHash: () => string;
  status: () => CampaignState;
  pauseRequested: () => boolean;
  stopRequested: () => boolean;
  pauseReason: () => string | null;
  setNextWakeAt: (iso: string | null) => void;
  moveTo: (next: CampaignState, extra?: { reason?: string | null }) => Promise<void>;
  notify: (kind: NotifyInput['kind'], payload?: Record<string, unknown>) => Promise<unknown>;
  finish: (final: CampaignState, reason?: string) => Promise<CampaignResult>;
}

export async function runSeries(c: SeriesContext): Promise<CampaignResult> {
  const { endAt } = await series.activateSeries({ ...c.ref, createdBy: c.createdBy, approvedContentHash: c.contentHash(), ...(c.options ? { options: c.options } : {}) });
  await c.moveTo('sending');
  await c.notify('campaign.started', { recurring: true });
  const ends = Date.parse(endAt);
  for (;;) {
    const left = ends - Date.now();
    if (!(left > 0) || c.stopRequested()) break;
    c.setNextWakeAt(endAt);
    const live = c.status() === 'sending';
    const woke = await condition(() => c.stopRequested() || c.pauseRequested() === live, left);
    c.setNextWakeAt(null);
    if (!woke || c.stopRequested()) break;
    if (live) {
      const reason = c.pauseReason();
      await series.pauseSeries({ ...c.ref, reason });
      await c.moveTo('paused', { reason });
      await c.notify('campaign.paused', { reason, recurring: true });
    } else {
      await series.resumeSeries(c.ref);
      await c.moveTo('sending');
    }
  }
  await series.endSeries(c.ref);
  return await c.finish(c.stopRequested() ? 'stopped' : 'completed');
}
