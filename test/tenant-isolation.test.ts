/**
 * Every tenant-owned entity, listed by db/entities TENANT_ENTITIES: a query under company A never
 * returns company B's rows, and a query that names no company fails instead of returning both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntitySchema } from '@mikro-orm/core';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { buildWorld, type World } from './fixtures/world.ts';
import { ENTITIES, TENANT_ENTITIES } from '../db/entities/index.ts';
import { forkForCompany } from '../db/tenant.ts';

let db: TestDatabase;
let a: World;
let b: World;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await buildWorld(db.orm.em, 'tenant-a');
  b = await buildWorld(db.orm.em, 'tenant-b');
});
afterAll(async () => {
  await db?.drop();
});

function companyOf(row: unknown): string {
  const company = (row as { company: string | { id: string } }).company;
  return typeof company === 'string' ? company : company.id;
}

describe('tenant isolation', () => {
  it('covers every entity but the tenant itself and the installation-wide provider limits', () => {
    const names = (list: EntitySchema[]) => list.map((e) => e.meta.className).sort();
    const global = ['Company', 'ProviderRateLimit'];
    expect(names(TENANT_ENTITIES as EntitySchema[])).toEqual(names(ENTITIES as EntitySchema[]).filter((n) => !global.includes(n)));
    for (const entity of TENANT_ENTITIES as EntitySchema[]) {
      expect(Object.keys(entity.meta.filters ?? {}), entity.meta.className).toContain('tenant');
    }
  });

  it.each((TENANT_ENTITIES as EntitySchema[]).map((e) => [e.meta.className, e] as const))(
    '%s: company A sees only its own rows',
    async (_name, entity) => {
      const rowsA = await forkForCompany(db.orm.em, a.companyId).find(entity, {});
      const rowsB = await forkForCompany(db.orm.em, b.companyId).find(entity, {});
      expect(rowsA.length).toBeGreaterThan(0);
      expect(rowsB.length).toBeGreaterThan(0);
      expect(new Set(rowsA.map(companyOf))).toEqual(new Set([a.companyId]));
      expect(new Set(rowsB.map(companyOf))).toEqual(new Set([b.companyId]));
    },
  );

  it.each((TENANT_ENTITIES as EntitySchema[]).map((e) => [e.meta.className, e] as const))(
    '%s: a query that names no company is refused',
    async (_name, entity) => {
      await expect(db.orm.em.fork().find(entity, {})).rejects.toThrow(/No arguments provided for filter/i);
      await expect(db.orm.em.fork().count(entity, {})).rejects.toThrow(/No arguments provided for filter/i);
    },
  );

  it('does not let a lookup by id cross tenants', async () => {
    const em = forkForCompany(db.orm.em, a.companyId);
    const campaigns = (TENANT_ENTITIES as EntitySchema[]).find((e) => e.meta.className === 'Campaign')!;
    expect(await em.findOne(campaigns, { id: b.campaignId })).toBeNull();
    expect(await em.findOne(campaigns, { id: a.campaignId })).not.toBeNull();
  });
});
