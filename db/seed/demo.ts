/**
 * Demo data for `npm start`: written on the first start only (a later start finds the demo company
 * and leaves everything as it is). Deterministic, so every newcomer sees the same data.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashPassword } from '../../domain/password.ts';
import { CompanySchema, ROLES, TeamSchema, UserSchema, type Role } from '../entities/index.ts';
import { TENANT_FILTER } from '../tenant.ts';

export const DEMO_COMPANY_SLUG = 'acme-retail';
export const DEMO_PASSWORD = 'herald-demo';

export interface DemoLogin {
  email: string;
  role: Role;
}

export function demoLogins(): DemoLogin[] {
  return ROLES.map((role) => ({ email: `${role}@acme.example`, role }));
}

/** Returns true when it seeded, false when the demo data was already there. */
export async function seedDemo(orm: MikroORM): Promise<boolean> {
  const em = orm.em.fork();
  const existing = await em.findOne(CompanySchema, { slug: DEMO_COMPANY_SLUG });
  if (existing) return false;

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await em.transactional(async (tx) => {
    const company = tx.create(CompanySchema, {
      name: 'Acme Retail',
      slug: DEMO_COMPANY_SLUG,
      currency: 'USD',
      supportedCurrencies: ['USD', 'EUR', 'GBP'],
      timeZone: 'America/New_York',
      approvalThreshold: '10000.00',
      channelCosts: { email: '0.0010', sms: '0.0075', push: '0.0001', whatsapp: '0.0050', webhook: '0.0000' },
      frequencyCap: { maxMessages: 3, perDays: 7 },
    });
    await tx.flush();
    tx.setFilterParams(TENANT_FILTER, { companyId: company.id });
    const scoped = tx;
    const teams = ['Marketing', 'Operations'].map((name, i) =>
      scoped.create(TeamSchema, { company: company.id, name, region: i === 0 ? 'East' : 'West' }),
    );
    for (const { email, role } of demoLogins()) {
      scoped.create(UserSchema, {
        company: company.id,
        email,
        name: `${role[0]!.toUpperCase()}${role.slice(1)} Demo`,
        passwordHash,
        role,
        team: role === 'ops' ? teams[1]!.id : teams[0]!.id,
        region: role === 'ops' ? 'West' : 'East',
      });
    }
    await scoped.flush();
  });
  return true;
}
