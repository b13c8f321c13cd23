/**
 * The worker's V8 heap limits, in one place for every launcher that starts it from Node
 * (`npm start`, `npm run bench:send`); the Dockerfile and docker-compose.yml spell out the same
 * flags. Without them V8 sizes the heap from the machine's memory and lets garbage pile up: the
 * send benchmark measured a peak RSS of 520–600 MB, and 330 MB with these limits at the same
 * throughput. A sendBatch activity holds one chunk of rows at a time, so 160 MB of old space leaves
 * ample room; the Temporal SDK sizes its workflow cache from the same limit.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=8'] as const;

/** The environment for a worker child: the flags added to NODE_OPTIONS (kept when already set there). */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const current = env.NODE_OPTIONS ?? '';
  const missing = WORKER_NODE_FLAGS.filter((f) => !current.includes(f.split('=')[0]!));
  return missing.length ? { ...env, NODE_OPTIONS: [current, ...missing].filter(Boolean).join(' ') } : env;
}
