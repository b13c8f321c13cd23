import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { CompanySchema, UserSchema } from '../db/entities/index.ts';
import { forkForCompany } from '../db/tenant.ts';
import { DEMO_COMPANY_SLUG, DEMO_PASSWORD, seedDemo } from '../db/seed/demo.ts';
import { verifyPassword } from '../domain/password.ts';

describe('MikroORM on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the committed migrations produce exactly the schema the entities describe', async () => {
    const diff = await db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
    expect(await db.orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('round-trips a company and its users, money as an exact decimal', async () => {
    expect(await seedDemo(db.orm)).toBe(true);
    expect(await seedDemo(db.orm)).toBe(false); // a second start seeds nothing

    const company = await db.orm.em.fork().findOneOrFail(CompanySchema, { slug: DEMO_COMPANY_SLUG });
    expect(company.approvalThreshold).toBe('10000.00');
    expect(company.supportedCurrencies).toEqual(['USD', 'EUR', 'GBP']);
    expect(company.channelCosts.sms).toBe('0.0075');

    const em = forkForCompany(db.orm.em, company.id);
    const users = await em.find(UserSchema, {}, { orderBy: { email: 'asc' } });
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'analyst', 'approver', 'manager', 'ops', 'viewer']);
    expect(await verifyPassword(DEMO_PASSWORD, users[0]!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', users[0]!.passwordHash)).toBe(false);
  });

  it('refuses a tenant-owned query that names no company', async () => {
    await expect(db.orm.em.fork().find(UserSchema, {})).rejects.toThrow(/No arguments provided for filter/i);
  });

  it('scopes tenant-owned queries to the company given', async () => {
    const em = db.orm.em.fork();
    const other = em.create(CompanySchema, { name: 'Other Co', slug: 'other-co' });
    await em.flush();
    const scoped = forkForCompany(db.orm.em, other.id);
    scoped.create(UserSchema, { company: other.id, email: 'solo@other.example', name: 'Solo', passwordHash: 'x', role: 'admin' });
    await scoped.flush();

    const demo = await db.orm.em.fork().findOneOrFail(CompanySchema, { slug: DEMO_COMPANY_SLUG });
    const demoEmails = (await forkForCompany(db.orm.em, demo.id).find(UserSchema, {})).map((u) => u.email);
    expect(demoEmails).not.toContain('solo@other.example');
    expect(demoEmails).toHaveLength(6);
    const otherEmails = (await forkForCompany(db.orm.em, other.id).find(UserSchema, {})).map((u) => u.email);
    expect(otherEmails).toEqual(['solo@other.example']);
  });

  it('rejects a second user with the same email in one company', async () => {
    const demo = await db.orm.em.fork().findOneOrFail(CompanySchema, { slug: DEMO_COMPANY_SLUG });
    const em = forkForCompany(db.orm.em, demo.id);
    em.create(UserSchema, { company: demo.id, email: 'admin@acme.example', name: 'Dup', passwordHash: 'x', role: 'viewer' });
    await expect(em.flush()).rejects.toThrow(/unique/i);
  });
});
