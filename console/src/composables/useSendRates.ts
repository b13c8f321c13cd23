/**
 * Send rate and time left per campaign, from the counts the live stream reports: messages handled
 * per second over the last samples (at most a minute), and the remaining ones at that rate.
 */
import { reactive } from 'vue';

interface Sample {
  at: number;
  done: number;
}

const WINDOW_MS = 60_000;

export function useSendRates(now: () => number = Date.now) {
  const samples = reactive(new Map<string, Sample[]>());

  function record(id: string, done: number) {
    const t = now();
    const list = (samples.get(id) ?? []).filter((s) => t - s.at <= WINDOW_MS);
    if (list.at(-1)?.done !== done) list.push({ at: t, done });
    samples.set(id, list.slice(-20));
  }

  /** Messages per second, or null before two different samples. */
  function rate(id: string): number | null {
    const list = samples.get(id) ?? [];
    if (list.length < 2) return null;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const secs = (last.at - first.at) / 1000;
    return secs > 0 && last.done > first.done ? (last.done - first.done) / secs : null;
  }

  /** Seconds until `remaining` are handled at the current rate, or null when unknown. */
  function eta(id: string, remaining: number): number | null {
    const r = rate(id);
    return r && remaining > 0 ? Math.ceil(remaining / r) : null;
  }

  return { record, rate, eta };
}

/** "about 40 s", "about 12 min", "about 2 h 5 min". */
export function duration(seconds: number): string {
  if (seconds < 90) return `about ${seconds} s`;
  const min = Math.round(seconds / 60);
  if (min < 120) return `about ${min} min`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min`;
}
