/**
 * One PostgreSQL and one Temporal dev server for the whole integration run, torn down at the end
 * even after a failure. Migrations are applied once to a template database; every test file clones
 * it (see db.ts), so files run in parallel without seeing each other's rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { initOrm } from '../../db/orm.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/lib/postgres.ts';
import { startTemporalDevServer, type RunningTemporal } from '../../scripts/lib/temporal-server.ts';
import { ensureTemporalBinaries, PROJECT_ROOT } from '../../scripts/lib/temporal-bin.ts';
import { freePort } from '../../scripts/lib/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
    temporalAddress: string;
    workflowBundlePath: string;
    temporalCli: string;
    temporalTestServer: string;
  }
}

export const TEMPLATE_DB = 'herald_template';

export default async function setup(project: TestProject) {
  const bins = ensureTemporalBinaries();
  const scratch = mkdtempSync(join(PROJECT_ROOT, '.data', 'test-'));
  let postgres: RunningPostgres | undefined;
  let temporal: RunningTemporal | undefined;

  const teardown = async () => {
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  };
  // A crash of the runner itself must not leave servers behind.
  const onExit = () => {
    for (const pid of [temporal?.pid, postgres?.pid]) if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  };
  process.once('exit', onExit);

  let tPromise: Promise<RunningTemporal> | undefined;
  try {
    let adminUrl = process.env.TEST_DATABASE_URL;
    const [pgPort, temporalPort] = await Promise.all([freePort(), freePort()]);
    if (!adminUrl) {
      postgres = await startEmbeddedPostgres({ dataDir: join(scratch, 'pg'), port: pgPort });
      adminUrl = postgres.url('postgres');
    }
    tPromise = startTemporalDevServer({ cli: bins.cli, port: temporalPort, uiPort: 0, namespace: 'default' });

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DB}`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    await admin.end();
    const orm = await initOrm({ clientUrl: withDatabase(adminUrl, TEMPLATE_DB), migrate: true, poolMax: 2 });
    await orm.close(true);

    const bundle = await bundleWorkflowCode({
      workflowsPath: join(PROJECT_ROOT, 'test', 'fixtures', 'all-workflows.ts'),
      logger: { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: console.warn, error: console.error },
    });
    const bundlePath = join(scratch, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    temporal = await tPromise;
    project.provide('pgAdminUrl', adminUrl);
    project.provide('templateDb', TEMPLATE_DB);
    project.provide('temporalAddress', temporal.address);
    project.provide('workflowBundlePath', bundlePath);
    project.provide('temporalCli', bins.cli);
    project.provide('temporalTestServer', bins.testServer);
  } catch (err) {
    temporal ??= await tPromise?.catch(() => undefined);
    await teardown();
    throw err;
  }

  return async () => {
    process.off('exit', onExit);
    await teardown();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
