/** The layout editor's model: moves, drops, resizes, adds and removes, and what it accepts from storage. */
import { describe, expect, it } from 'vitest';
import { add, DEFAULT_LAYOUT, missing, move, moveTo, remove, resize, sanitise } from './layout.ts';

const ids = (l: { id: string }[]) => l.map((i) => i.id);

describe('dashboard layout', () => {
  it('moves a widget earlier or later and stops at the ends', () => {
    expect(ids(move(DEFAULT_LAYOUT, 1, -1)).slice(0, 2)).toEqual(['trends', 'kpis']);
    expect(ids(move(DEFAULT_LAYOUT, 0, 1)).slice(0, 2)).toEqual(['trends', 'kpis']);
    expect(move(DEFAULT_LAYOUT, 0, -1)).toBe(DEFAULT_LAYOUT);
    expect(ids(move(DEFAULT_LAYOUT, 4, 10)).at(-1)).toBe('performers');
  });

  it('drops a dragged widget onto the place of another', () => {
    expect(ids(moveTo(DEFAULT_LAYOUT, 'heatmap', 'trends'))).toEqual(['kpis', 'heatmap', 'trends', 'recommendations', 'channels', 'performers']);
    expect(ids(moveTo(DEFAULT_LAYOUT, 'kpis', 'channels'))).toEqual(['trends', 'recommendations', 'channels', 'kpis', 'performers', 'heatmap']);
  });

  it('resizes in steps of the offered widths and never past them', () => {
    expect(resize(DEFAULT_LAYOUT, 1, 1)[1]).toEqual({ id: 'trends', w: 12 });
    expect(resize(DEFAULT_LAYOUT, 1, -1)[1]).toEqual({ id: 'trends', w: 6 });
    expect(resize(DEFAULT_LAYOUT, 0, 1)).toBe(DEFAULT_LAYOUT);
    expect(resize(resize(DEFAULT_LAYOUT, 2, -1), 2, -1)[2]).toEqual({ id: 'recommendations', w: 4 });
  });

  it('removes and adds widgets back, once each', () => {
    const without = remove(DEFAULT_LAYOUT, 'channels');
    expect(missing(without)).toEqual(['channels']);
    const back = add(without, 'channels');
    expect(back.at(-1)).toEqual({ id: 'channels', w: 6 });
    expect(add(back, 'channels')).toBe(back);
  });

  it('keeps only what it knows from a stored layout', () => {
    expect(sanitise([{ id: 'trends', w: 7 }, { id: 'nope', w: 6 }, { id: 'trends', w: 12 }, { id: 'kpis' }])).toEqual([
      { id: 'trends', w: 6 },
      { id: 'kpis', w: 6 },
    ]);
    expect(sanitise('x')).toBeNull();
  });
});
