/**
 * The typed API client. Its types come from the API's own route definitions (`ApiType`), so a
 * change to a response shape fails the console's type check instead of failing in a browser.
 */
import { hc, type InferResponseType } from 'hono/client';
import type { ApiType } from '../../../api/app.ts';
import { authedFetch } from './session.ts';

/** Where the API is mounted (the console is served by it, same origin). */
export const API_BASE = '/api';

/** Every call carries the session's access token (api/session.ts). */
export const api = hc<ApiType>(API_BASE, { fetch: authedFetch });

export type SystemStatus = InferResponseType<typeof api.system.status.$get>;
export type DependencyStatus = SystemStatus['dependencies'][number];

/** Thrown for every failed call; `message` is written for the person reading the screen. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** A refusal's fields (422 `details.issues`; a 409 may name one too), for forms to show each on its field. */
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads a response: JSON on success, the API's `{ error: { message } }` shape turned into an ApiError otherwise. */
export async function unwrap<T>(call: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T> {
  let res;
  try {
    res = await call;
  } catch {
    throw new ApiError('No answer from the server. Check that Herald is running and that this computer is online.');
  }
  if (res.ok) return res.json();
  const body = (await res.json().catch(() => null)) as { error?: { message?: string; details?: { issues?: unknown; field?: unknown } } } | null;
  const detail = body?.error?.message;
  const details = body?.error?.details;
  const issues = Array.isArray(details?.issues)
    ? (details.issues as { field: string; message: string }[])
    : typeof details?.field === 'string' && detail
      ? [{ field: details.field, message: detail }]
      : [];
  const message =
    res.status >= 500
      ? `The server ran into a problem${detail ? ` (${detail})` : ''}. Its log has the details.`
      : (detail ?? 'The request was refused.');
  throw new ApiError(message, res.status, issues);
}
