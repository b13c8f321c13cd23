import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

describe('group-commit batcher', () => {
  it('writes a burst in a few batches, answering each item only after its batch is written', async () => {
    const writes: number[][] = [];
    const written = new Set<number>();
    const b = createBatcher<number, number>(
      async (items) => {
        writes.push(items);
        await new Promise((r) => setTimeout(r, 5));
        for (const i of items) written.add(i);
        return items.map((i) => i * 2);
      },
      { maxBatch: 100, maxInFlight: 2 },
    );
    const answers = await Promise.all(
      Array.from({ length: 250 }, async (_, i) => {
        const r = await b.add(i);
        // Durable before answered: this item's batch has been written.
        expect(written.has(i)).toBe(true);
        return r;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 250 }, (_, i) => i * 2));
    expect(writes.length).toBe(3);
    expect(writes.map((w) => w.length)).toEqual([100, 100, 50]);
    await b.idle();
  });

  it('fails every item of a failed write, and keeps going for the next ones', async () => {
    let fail = true;
    const b = createBatcher<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    }, { maxBatch: 10, maxInFlight: 1 });
    const first = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.add(3)).toBe(3);
  });
});
