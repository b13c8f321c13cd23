import { describe, expect, it } from 'vitest';
import { createToken, verifyToken } from './tracking-token.ts';

describe('tracking tokens', () => {
  it('round-trips what it signs', () => {
    const t = createToken('s3cret', { kind: 'c', recipientId: 123456789, link: 3 });
    expect(verifyToken('s3cret', t)).toEqual({ kind: 'c', recipientId: 123456789, link: 3 });
    expect(verifyToken('s3cret', createToken('s3cret', { kind: 'u', recipientId: 7 }))).toEqual({ kind: 'u', recipientId: 7 });
  });

  it('rejects a token signed with another secret or altered in any way', () => {
    const t = createToken('s3cret', { kind: 'u', recipientId: 42 });
    expect(verifyToken('other', t)).toBeNull();
    const [body, sig] = t.split('.');
    const forged = Buffer.from(Buffer.from(body!, 'base64url').toString().replace('16', '17')).toString('base64url');
    expect(verifyToken('s3cret', `${forged}.${sig}`)).toBeNull();
    expect(verifyToken('s3cret', t.slice(0, -2))).toBeNull();
    expect(verifyToken('s3cret', 'garbage')).toBeNull();
  });

  it('gives neighbouring recipients unrelated tokens', () => {
    const a = createToken('s3cret', { kind: 'u', recipientId: 1000 }).split('.')[1];
    const b = createToken('s3cret', { kind: 'u', recipientId: 1001 }).split('.')[1];
    expect(a).not.toEqual(b);
  });
});
