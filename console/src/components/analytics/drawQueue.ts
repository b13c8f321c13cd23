/**
 * Heavy drawing, one piece per frame: `afterPaint()` resolves in the order it was called, each
 * caller in a task of its own that starts after the browser has painted a frame, so whatever the
 * page rendered before (the KPI cards) is on screen and answers clicks before the first chart draws,
 * and each chart draws a frame after the one before it.
 */

const waiting: (() => void)[] = [];
let scheduled = false;

/**
 * `run` after the next frame is painted: a task queued from an animation frame callback runs after
 * that frame's paint. A hidden tab paints no frames, so a timer stands in for one there.
 */
function afterNextFrame(run: () => void): void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    setTimeout(run, 0);
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(go);
  setTimeout(go, 100);
}

function pump(): void {
  if (scheduled || waiting.length === 0) return;
  scheduled = true;
  afterNextFrame(() => {
    scheduled = false;
    waiting.shift()?.();
    pump();
  });
}

/** Resolves after the browser has painted, once every earlier caller has had a frame of its own. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    pump();
  });
}
