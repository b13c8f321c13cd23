/** Supervises the Node child processes of the launcher (sinks, worker, api). */
import { fork, type ChildProcess } from 'node:child_process';

export interface Supervised {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves on the child's first IPC message of type 'ready'. */
  ready: Promise<void>;
  stop: (timeoutMs?: number) => Promise<void>;
}

export function startNodeChild(name: string, script: string, env: NodeJS.ProcessEnv): Supervised {
  const child = fork(script, [], {
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code, signal) => res(code ?? (signal ? 128 : null))));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && (m as { type?: string }).type === 'ready') resolve();
    });
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
  ready.catch(() => {});
  return {
    name,
    child,
    exited,
    ready,
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
