/**
 * The console's API faked at the fetch level for component tests: each call the typed client makes is
 * recorded (method, path with its query, headers, JSON body) and answered by the test's `answer`.
 * Call in beforeEach; vitest's `vi.unstubAllGlobals()` in afterEach removes it.
 */
import { vi } from 'vitest';

export interface ApiCall {
  method: string;
  /** Path and query string, e.g. `/api/segments?page=1`. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
}

/** Stubs `fetch`; returns the live list of calls. */
export function fakeApi(answer: (call: ApiCall) => ApiAnswer): ApiCall[] {
  const calls: ApiCall[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input), 'http://console.test');
    const call: ApiCall = {
      method: (init.method ?? 'GET').toUpperCase(),
      path: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null,
    };
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}
