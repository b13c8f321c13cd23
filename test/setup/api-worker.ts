/**
 * The API wired to a real worker on the shared Temporal dev server and a real SMTP sink, as
 * `npm start` runs them: what the tests that drive workflows through the API or the console need.
 * `attachWorker(deps)` adds the worker and sink to deps an app already uses (e2e's startHerald);
 * `startApiWithWorker()` makes the deps and the app too. Close either in afterAll: the parts close
 * in reverse order, even after a partial start.
 */
import { createApp } from '../../api/app.ts';
import type { AppDeps } from '../../api/deps.ts';
import { createChannels } from '../../channels/index.ts';
import { startSmtpSink, type SmtpSink } from '../../channels/sinks/smtp-sink.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { createTestDeps, testConfig, type TestDeps } from './harness.ts';
import { startTestWorker, type TestWorker } from './worker.ts';

export interface AttachedWorker {
  worker: TestWorker;
  smtp: SmtpSink;
  channels: ReturnType<typeof createChannels>;
  close: () => Promise<void>;
}

export interface ApiWithWorker extends AttachedWorker {
  t: TestDeps;
  app: ReturnType<typeof createApp>;
}

async function closing<T>(close: () => Promise<void>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await close();
    throw err;
  }
}

/** Starts an SMTP sink and a worker sending through it, and points `deps` (the API's) at both. */
export async function attachWorker(deps: AppDeps): Promise<AttachedWorker> {
  const parts: Partial<AttachedWorker> = {};
  const close = async () => {
    await parts.worker?.close();
    await parts.channels?.closeAll();
    await parts.smtp?.close();
  };
  return closing(close, async () => {
    const smtp = (parts.smtp = await startSmtpSink({ port: await freePort() }));
    const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
    const channels = (parts.channels = createChannels(testConfig({ SMTP_URL: smtpUrl })));
    const worker = (parts.worker = await startTestWorker(deps.orm, channels, { env: { SMTP_URL: smtpUrl } }));
    deps.config = { ...deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue, SMTP_URL: smtpUrl, smtpUrl };
    return { worker, smtp, channels, close };
  });
}

export async function startApiWithWorker(): Promise<ApiWithWorker> {
  let t: TestDeps | undefined;
  let attached: AttachedWorker | undefined;
  const close = async () => {
    await attached?.close();
    await t?.close();
  };
  return closing(close, async () => {
    t = await createTestDeps();
    attached = await attachWorker(t.deps);
    return { ...attached, t, app: createApp(t.deps), close };
  });
}
