import { describe, expect, it } from 'vitest';
import { checkEndpoint, isPrivateHost, retryDelayMs } from './webhook-events.ts';

describe('webhook endpoints', () => {
  it('accepts a public https URL', () => {
    const r = checkEndpoint('https://hooks.example.com/herald?x=1', false);
    expect(r.ok && r.url.href).toBe('https://hooks.example.com/herald?x=1');
  });

  it.each([
    ['not a url', 'is not a valid URL'],
    ['http://hooks.example.com/', 'must use https'],
    ['ftp://hooks.example.com/', 'must use https'],
    ['https://user:pw@hooks.example.com/', 'must not carry a user name or password; the signature authenticates Herald'],
    ['https://hooks.example.com/#x', 'must not have a #fragment'],
    ['https://127.0.0.1/', 'must be a public address, not a private, loopback or link-local one'],
    ['https://169.254.169.254/latest/meta-data', 'must be a public address, not a private, loopback or link-local one'],
    ['https://[::1]/', 'must be a public address, not a private, loopback or link-local one'],
    ['https://localhost:8443/', 'must be a public address, not a private, loopback or link-local one'],
  ])('refuses %s', (raw, reason) => {
    expect(checkEndpoint(raw, false)).toEqual({ ok: false, reason });
  });

  it('lets a development set-up use a local http receiver', () => {
    expect(checkEndpoint('http://127.0.0.1:9999/hook', true).ok).toBe(true);
  });

  it('knows private ranges from public ones', () => {
    for (const h of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', 'db.internal'])
      expect(isPrivateHost(h), h).toBe(true);
    for (const h of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', 'example.com']) expect(isPrivateHost(h), h).toBe(false);
  });
});

describe('retry backoff', () => {
  it('doubles from 10 s, caps at 4 h, and jitters by at most 20 %', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, () => 0.5))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(30, () => 0.5)).toBe(4 * 3600_000);
    expect(retryDelayMs(1, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, () => 1)).toBe(12_000);
  });
});
