import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './env.ts';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs on embedded defaults with no variable set', () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
    expect(c.TEMPORAL_NAMESPACE).toBe('default');
    expect(c.TEMPORAL_TASK_QUEUE).toBe('campaigns');
    expect(c.API_PORT).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(c.logFormat).toBe('pretty');
  });

  it('names DATABASE_URL when it is not a postgres URL, without echoing its password', () => {
    const err = errorOf({ DATABASE_URL: 'mysql://root:s3cret@db/herald' });
    expect(err.variable).toBe('DATABASE_URL');
    expect(err.message).toMatch(/^DATABASE_URL: expected postgres:\/\/user:password@host:port\/database/);
    expect(err.message).not.toContain('s3cret');
    expect(err.message).toContain('***');
  });

  it('names TEMPORAL_ADDRESS when it is not host:port', () => {
    const err = errorOf({ TEMPORAL_ADDRESS: 'http://temporal' });
    expect(err.variable).toBe('TEMPORAL_ADDRESS');
    expect(err.message).toContain('expected host:port');
  });

  it('names a port out of range', () => {
    expect(errorOf({ API_PORT: '70000' }).variable).toBe('API_PORT');
    expect(errorOf({ EMBEDDED_PG_PORT: 'abc' }).variable).toBe('EMBEDDED_PG_PORT');
  });

  it('treats an empty value as unset, as compose files write them', () => {
    expect(parseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('parses booleans strictly', () => {
    expect(parseConfig({ SEED_DEMO: 'false' }).SEED_DEMO).toBe(false);
    expect(errorOf({ SEED_DEMO: 'maybe' }).variable).toBe('SEED_DEMO');
  });

  const prod = { NODE_ENV: 'production', SMTP_URL: 'smtp://relay:587', PROVIDER_HTTP_URL: 'https://api.provider.example', TRACKING_SECRET: 'a-long-enough-secret', JWT_SECRET: 'j'.repeat(32) };

  it('logs JSON in production unless told otherwise', () => {
    expect(parseConfig(prod).logFormat).toBe('json');
    expect(parseConfig({ ...prod, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('refuses to run production against the development sinks', () => {
    expect(errorOf({ ...prod, SMTP_URL: '' }).variable).toBe('SMTP_URL');
    expect(errorOf({ ...prod, PROVIDER_HTTP_URL: '' }).message).toMatch(/^PROVIDER_HTTP_URL: required when NODE_ENV=production/);
    expect(errorOf({ ...prod, JWT_SECRET: '' }).variable).toBe('JWT_SECRET');
    expect(errorOf({ ...prod, JWT_SECRET: 'short' }).variable).toBe('JWT_SECRET');
  });
});
