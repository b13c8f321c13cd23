/**
 * The signed-in session: the access token lives in memory only (never in storage a script could
 * read); the refresh token is an HttpOnly cookie the browser sends to /api/auth. A page reload
 * restores the session with one refresh call.
 */
import { computed, reactive } from 'vue';
import type { InferResponseType } from 'hono/client';
import { hc } from 'hono/client';
import type { ApiType } from '../../../api/app.ts';

const _client = hc<ApiType>('/api');
export type Profile = InferResponseType<typeof _client.me.$get, 200>;
export type Permission = Profile['permissions'][number];

interface State {
  token: string | null;
  expiresAt: number;
  profile: Profile | null;
  /** Set once the first refresh attempt finished, signed in or not. */
  restored: boolean;
}

export const session = reactive<State>({ token: null, expiresAt: 0, profile: null, restored: false });
export const signedIn = computed(() => session.token !== null && session.profile !== null);

export function can(permission: Permission): boolean {
  return session.profile?.permissions.includes(permission) ?? false;
}

/** Why a sign-in did not work, in words; `code` lets the form show the TOTP step. */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

// Not a secret: only whether a refresh cookie may exist, so a visitor who never signed in does not
// get a refresh call (and its 401) on every page load.
const MARKER = 'herald.session';
const remember = (on: boolean) => {
  try {
    if (on) localStorage.setItem(MARKER, '1');
    else localStorage.removeItem(MARKER);
  } catch {
    /* storage unavailable: refresh is simply always tried */
  }
};
const mayHaveSession = () => {
  try {
    return localStorage.getItem(MARKER) === '1';
  } catch {
    return true;
  }
};

function accept(body: { accessToken: string; expiresIn: number; user: Profile }): void {
  remember(true);
  session.token = body.accessToken;
  session.expiresAt = Date.now() + body.expiresIn * 1000;
  session.profile = body.user;
}

export async function signIn(email: string, password: string, totp?: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ email, password, ...(totp ? { totp } : {}) }),
    });
  } catch {
    throw new SignInError('No answer from the server. Check that Herald is running.', 'offline');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: { issues?: { field: string; message: string }[] } } } & Parameters<typeof accept>[0];
  if (!res.ok) {
    const e = body?.error;
    const issue = e?.details?.issues?.[0];
    if (res.status === 429) throw new SignInError('Too many attempts. Wait a few minutes and try again.', 'rate_limited');
    if (e?.code === 'invalid_credentials') throw new SignInError('That email and password do not match an active account.', e.code);
    if (e?.code === 'totp_required') throw new SignInError('Enter the 6-digit code from your authenticator app.', e.code, 'totp');
    if (e?.code === 'totp_invalid') throw new SignInError('That code is wrong or expired. Try the current one.', e.code, 'totp');
    if (issue) throw new SignInError(`${issue.field === 'email' ? 'Email' : issue.field}: ${issue.message}`, e?.code ?? 'invalid', issue.field);
    throw new SignInError(e?.message ?? 'Sign-in failed.', e?.code ?? 'failed');
  }
  accept(body);
}

let refreshing: Promise<boolean> | null = null;

/** A new access token from the refresh cookie; false when the session has ended. */
export function refresh(): Promise<boolean> {
  if (!session.token && !mayHaveSession()) {
    session.restored = true;
    return Promise.resolve(false);
  }
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      if (!res.ok) {
        remember(false);
        session.token = null;
        session.profile = null;
        return false;
      }
      accept(await res.json());
      return true;
    } catch {
      return false;
    } finally {
      session.restored = true;
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
  remember(false);
  session.token = null;
  session.profile = null;
}

/** fetch with the access token; refreshes it shortly before it expires and once after a 401. */
export async function authedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (session.token && Date.now() > session.expiresAt - 30_000) await refresh();
  const send = () => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers).entries()), ...(session.token ? { authorization: `Bearer ${session.token}` } : {}) } });
  let res = await send();
  if (res.status === 401 && (await refresh())) res = await send();
  return res;
}
