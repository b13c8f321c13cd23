import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './env.ts';

/** Connection options shared by the client (API) and the worker: local, mTLS or API-key (Temporal Cloud). */
export function temporalConnectionOptions(config: Config, address: string): ConnectionOptions & NativeConnectionOptions {
  const tls = config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
    ? { clientCertPair: { crt: readFileSync(config.TEMPORAL_TLS_CERT), key: readFileSync(config.TEMPORAL_TLS_KEY) } }
    : config.TEMPORAL_TLS || config.TEMPORAL_API_KEY
      ? true
      : undefined;
  return {
    address,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  } as ConnectionOptions & NativeConnectionOptions;
}

export class TemporalUnavailableError extends Error {
  constructor(address: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`TEMPORAL_ADDRESS: cannot reach Temporal at ${address}: ${msg}`);
    this.name = 'TemporalUnavailableError';
  }
}

export async function connectClient(config: Config, address: string): Promise<Connection> {
  try {
    const conn = await Connection.connect({ ...temporalConnectionOptions(config, address), connectTimeout: 5_000 });
    await conn.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE });
    return conn;
  } catch (err) {
    throw new TemporalUnavailableError(address, err);
  }
}

export async function connectWorker(config: Config, address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(temporalConnectionOptions(config, address));
  } catch (err) {
    throw new TemporalUnavailableError(address, err);
  }
}
