/** Herald's live readiness (database, Temporal), refreshed every 5 s. */
import { api, unwrap } from '../api/client.ts';
import { usePolling } from './usePolling.ts';

export const SYSTEM_STATUS_INTERVAL_MS = 5_000;

export function useSystemStatus() {
  return usePolling(() => unwrap(api.system.status.$get()), SYSTEM_STATUS_INTERVAL_MS);
}
