/**
 * The permission matrix, proven route by route: every operation in the OpenAPI document names its
 * permission (`x-permission`), and every role is tried against every operation. A new route is
 * covered the moment it is declared.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { can, PERMISSIONS, ROLES, type Permission, type Role } from '../domain/permissions.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

interface Operation {
  method: string;
  path: string;
  permission: string;
}

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let company: ApiCompany;
let operations: Operation[];
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  company = await createApiCompany(t.deps.orm, 'perm-co');
  for (const role of ROLES) tokens[role] = (await signIn(app, company.users[role].email)).token;
  const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, permission: op['x-permission'] ?? '(none)' })),
  );
});
afterAll(async () => {
  await t?.close();
});

/** A concrete URL for a documented path: every `{param}` becomes a fresh UUID (nothing of it exists). */
const urlOf = (path: string) => `/api${path.replace(/\{[^}]+\}/g, () => randomUUID())}`;

// Operations that act on the caller's own session: calling them as each role would end the sign-in.
const SESSION_ENDING = new Set(['POST /auth/password', 'POST /auth/logout']);

describe('permission matrix over every documented route', () => {
  it('documents a known permission on every operation', () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const op of operations) {
      expect([...PERMISSIONS, 'public', 'signed_in'], `${op.method} ${op.path}`).toContain(op.permission);
    }
  });

  it('answers 401 without a token on every protected operation', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public')) {
      const res = await app.request(urlOf(op.path), { method: op.method, headers: { 'content-type': 'application/json' }, ...(op.method === 'GET' ? {} : { body: '{}' }) });
      await res.body?.cancel();
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
    }
  });

  it('lets each role through exactly where the matrix allows it, and answers 403 elsewhere', async () => {
    const checked: string[] = [];
    for (const op of operations.filter((o) => o.permission !== 'public' && !SESSION_ENDING.has(`${o.method} ${o.path}`))) {
      for (const role of ROLES) {
        const url = urlOf(op.path);
        const res = await app.request(url, {
          method: op.method,
          headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
          ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { body: '{}' }),
        });
        // Only error bodies are read: a successful stream (GET /events) never ends.
        const body = res.status >= 400 ? ((await res.json()) as { error: { details?: { permission?: string } } }) : (await res.body?.cancel(), null);
        const allowed = op.permission === 'signed_in' || can(role, op.permission as Permission);
        if (allowed) expect(res.status, `${role} ${op.method} ${op.path}: ${JSON.stringify(body)}`).not.toBe(403);
        else {
          expect(res.status, `${role} ${op.method} ${op.path}`).toBe(403);
          expect(body?.error.details?.permission).toBe(op.permission);
        }
        expect(res.status, `${role} ${op.method} ${op.path} must never be a server error`).toBeLessThan(500);
        checked.push(`${role} ${op.method} ${op.path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(15 * ROLES.length);
  });
});
