/**
 * Group commit for the ingestion path: items that arrive while earlier batches are being written
 * go together into the next write, so a burst costs one transaction per batch, never one per hit.
 * Each `add` resolves only after the write holding its item has committed (an answer to the client
 * means the event is durable) and rejects if that write failed. Nothing is buffered beyond what
 * unanswered requests are waiting for, so a process that dies loses no acknowledged event.
 */

export interface BatcherOptions {
  /** Items per write at most. */
  maxBatch: number;
  /** Writes running at once (each on its own pooled connection). */
  maxInFlight: number;
}

export interface Batcher<T, R> {
  add(item: T): Promise<R>;
  /** Resolves when everything added so far has been written. */
  idle(): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export function createBatcher<T, R>(flush: (items: T[]) => Promise<R[]>, opts: BatcherOptions): Batcher<T, R> {
  let queue: Waiting<T, R>[] = [];
  let inFlight = 0;
  let scheduled = false;
  let idleWaiters: (() => void)[] = [];

  const run = async (group: Waiting<T, R>[]) => {
    try {
      const results = await flush(group.map((g) => g.item));
      group.forEach((g, i) => g.resolve(results[i]!));
    } catch (err) {
      for (const g of group) g.reject(err);
    } finally {
      inFlight--;
      pump();
    }
  };

  function pump() {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const group = queue.length <= opts.maxBatch ? queue : queue.slice(0, opts.maxBatch);
      queue = queue.length <= opts.maxBatch ? [] : queue.slice(opts.maxBatch);
      inFlight++;
      void run(group);
    }
    if (inFlight === 0 && queue.length === 0 && idleWaiters.length > 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // Requests whose bodies were read in the same turn of the event loop share one write.
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            pump();
          });
        }
      });
    },
    idle() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((r) => idleWaiters.push(r));
    },
  };
}
