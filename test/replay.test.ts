/**
 * The committed histories of real runs (test/histories/, recorded with RECORD_HISTORIES=1 from the
 * campaign workflow suite) must replay against today's workflow code. A change that is not guarded
 * by patched() makes one of them fail with a determinism error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Worker } from '@temporalio/worker';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded campaign histories', () => {
  it('has the representative runs to replay', () => {
    const names = files.join(' ');
    for (const scenario of ['approved-scheduled-sent', 'rejected', 'paused-resumed-stopped', 'edited-after-approval-stopped', 'continued-as-new']) {
      expect(names).toContain(scenario);
    }
  });

  it.each(files)('%s replays without a determinism error', async (file) => {
    const history = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as object;
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: file }, history as never),
    ).resolves.toBeUndefined();
  });
});
