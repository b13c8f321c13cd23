import { describe, expect, it } from 'vitest';
import { ChannelConfigError } from './errors.ts';
import { failureResult, formEncode, parseRetryAfter, splitBaseUrl } from './http-common.ts';

const classify = { channel: 'sms' as const, errorCode: (j: unknown) => (j as { code?: string } | undefined)?.code, configStatuses: (s: number) => s === 401 };
const answer = (status: number, json?: unknown, retryAfter?: string) => ({ status, json, text: json ? JSON.stringify(json) : '', retryAfter });

describe('provider answers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('maps statuses: invalid recipient permanent, throttling and outages retryable, bad credentials thrown', () => {
    for (const s of [400, 404, 410, 422]) expect(failureResult(answer(s, { code: '21211', message: 'bad' }), classify)).toEqual({ kind: 'permanent', code: '21211', message: 'bad' });
    for (const s of [408, 429, 500, 502, 503]) expect(failureResult(answer(s), classify)).toMatchObject({ kind: 'retryable', code: `http_${s}` });
    expect(failureResult(answer(503, undefined, '7'), classify)).toMatchObject({ kind: 'retryable', retryAfterMs: 7000 });
    expect(() => failureResult(answer(401, { code: '20003', message: 'Authenticate' }), classify)).toThrow(ChannelConfigError);
  });

  it('form-encodes and splits base URLs with a path prefix', () => {
    expect(formEncode({ To: '+1 555', Body: 'a&b=c ü' })).toBe('To=%2B1%20555&Body=a%26b%3Dc%20%C3%BC');
    expect(splitBaseUrl('http://gw.example:8080/twilio/')).toEqual({ origin: 'http://gw.example:8080', prefix: '/twilio' });
  });
});
