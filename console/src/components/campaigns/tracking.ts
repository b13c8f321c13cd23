/** A tracked-only campaign's window in words: Herald sends nothing there, it tracks from start to end. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Time left until `endAt`, in whole days (or hours on the last day): "3 days left", "5 hours left". */
export function timeLeft(endAt: string, now: number = Date.now()): string {
  const ms = Date.parse(endAt) - now;
  if (!(ms > 0)) return 'ended';
  const days = Math.floor(ms / DAY);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'} left`;
  const hours = Math.floor(ms / HOUR);
  return hours >= 1 ? `${hours} hour${hours === 1 ? '' : 's'} left` : 'less than an hour left';
}

/** "paid_ads" → "paid ads", as the wizard names the channel. */
export const channelWords = (channel: string) => channel.replace(/_/g, ' ');

/**
 * The home section's title for the campaigns running now, given which of them are tracked-only:
 * "Sending now" (or nothing running), "Tracking now", or "Sending and tracking now".
 */
export function runningNowTitle(tracked: readonly boolean[]): string {
  const tracking = tracked.some(Boolean);
  const sending = tracked.some((t) => !t);
  if (tracking && sending) return 'Sending and tracking now';
  return tracking ? 'Tracking now' : 'Sending now';
}
