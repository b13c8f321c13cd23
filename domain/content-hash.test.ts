import { describe, expect, it } from 'vitest';
import { approvalContentHash, canonicalJson } from './content-hash.ts';

const base = {
  content: { email: { subject: 'Hello {{ first_name }}', html: '<p>Hi</p>' } },
  variants: [{ key: 'A', split: 50 }, { key: 'B', split: 50 }],
  sender: { fromEmail: 'news@example.com', fromName: 'News' },
  audience: { segmentId: '6f1c0d1e-8d1a-4b8e-9a57-0c1f2a3b4c5d', rules: { all: [{ field: 'region', op: 'eq', value: 'East' }] } },
};

describe('approval content hash', () => {
  it('does not depend on object key order (jsonb reorders keys)', () => {
    const reordered = {
      audience: { rules: { all: [{ value: 'East', op: 'eq', field: 'region' }] }, segmentId: base.audience.segmentId },
      sender: { fromName: 'News', fromEmail: 'news@example.com' },
      variants: base.variants.map((v) => ({ split: v.split, key: v.key })),
      content: { email: { html: '<p>Hi</p>', subject: 'Hello {{ first_name }}' } },
    };
    expect(approvalContentHash(reordered)).toBe(approvalContentHash(base));
  });

  it('changes with every part an approver approves', () => {
    const h = approvalContentHash(base);
    expect(approvalContentHash({ ...base, content: { email: { ...base.content.email, subject: 'Hello' } } })).not.toBe(h);
    expect(approvalContentHash({ ...base, variants: [...base.variants].reverse() })).not.toBe(h);
    expect(approvalContentHash({ ...base, sender: { ...base.sender, fromEmail: 'other@example.com' } })).not.toBe(h);
    expect(approvalContentHash({ ...base, audience: { ...base.audience, rules: { all: [{ field: 'region', op: 'eq', value: 'West' }] } } })).not.toBe(h);
    expect(approvalContentHash({ ...base, audience: null })).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes canonical JSON: sorted keys at every depth, arrays in order, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":"é","z":1}]},"b":1}');
  });
});
