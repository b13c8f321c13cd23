/**
 * Fixed-window counters for sign-in and public endpoints. In-process on purpose: the limits protect
 * each API replica from a burst, and a replica restart forgetting a window is harmless. A limit
 * reached answers 429 with Retry-After.
 */
import { TooManyRequestsError } from '../domain/errors.ts';

export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is under the limit. Does not count. */
  retryAfter(key: string): number {
    const w = this.current(key);
    return w && w.count >= this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000)) : 0;
  }

  hit(key: string): void {
    const w = this.current(key);
    if (w) w.count++;
    else this.windows.set(key, { start: this.now(), count: 1 });
    // At most one sweep per tenth of a window: a flood of distinct keys must not cost a full scan per hit.
    if (this.windows.size > 100_000 && this.now() - this.lastSweep >= this.windowMs / 10) this.sweep();
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Counts one attempt; throws when the key is over its limit. */
  take(key: string, message: string): void {
    const wait = this.retryAfter(key);
    if (wait > 0) throw new TooManyRequestsError(message, wait);
    this.hit(key);
  }

  private current(key: string) {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private sweep(): void {
    const now = this.now();
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

/**
 * Counts repeats of the same key within a fixed window, for the public tracking links: the whole
 * window is forgotten at once when it ends (no per-key timers or scans), and at most `maxKeys`
 * distinct keys are counted per window — past that, new keys are let through uncounted, so a flood
 * of distinct tokens costs bounded memory and never blocks real recipients.
 */
export class RepeatCounter {
  private counts = new Map<string, number>();
  private windowStart: number;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 200_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** Counts one hit of `key`; false once the key has had `limit` hits in this window. */
  allow(key: string): boolean {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.counts = new Map();
      this.windowStart = t;
    }
    const seen = this.counts.get(key);
    if (seen === undefined) {
      if (this.counts.size < this.maxKeys) this.counts.set(key, 1);
      return true;
    }
    if (seen >= this.limit) return false;
    this.counts.set(key, seen + 1);
    return true;
  }

  /** Seconds until the current window ends. */
  retryAfter(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - this.now()) / 1000));
  }
}
