/**
 * Sharing an amount out in proportion to weights, in whole units, so that the parts add up to the
 * amount exactly (largest remainder: each part is rounded down, then the units left over go to the
 * parts that lost the most to rounding, ties to the larger weight, then to the first key).
 */

/** `total` over `weights` (non-negative); keys of zero weight get nothing; all weights zero: an empty map. */
export function apportion<K>(total: bigint, weights: ReadonlyMap<K, bigint>): Map<K, bigint> {
  const entries = [...weights].filter(([, w]) => {
    if (w < 0n) throw new RangeError('weights must not be negative');
    return w > 0n;
  });
  const sum = entries.reduce((a, [, w]) => a + w, 0n);
  const out = new Map<K, bigint>();
  if (sum === 0n) return out;
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  let given = 0n;
  const parts = entries.map(([key, w], order) => {
    const exact = abs * w;
    const floor = exact / sum;
    given += floor;
    return { key, w, order, floor, rest: exact % sum };
  });
  let left = abs - given;
  const byLoss = [...parts].sort((a, b) => (a.rest === b.rest ? (a.w === b.w ? a.order - b.order : a.w > b.w ? -1 : 1) : a.rest > b.rest ? -1 : 1));
  for (const p of byLoss) {
    if (left === 0n) break;
    p.floor += 1n;
    left -= 1n;
  }
  for (const p of parts) out.set(p.key, p.floor * sign);
  return out;
}
