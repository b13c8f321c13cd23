/**
 * Fixed-window counters for sign-in and public endpoints. In-process on purpose: the limits protect
 * each API replica from a burst, and a replica restart forgetting a window is harmless. A limit
 * reached answers 429 with Retry-After.
 */
import { TooManyRequestsError } from '../domain/errors.ts';

export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
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
    if (this.windows.size > 100_000) this.sweep();
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
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
