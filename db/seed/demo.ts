/**
 * Demo data for `npm start`: written on the first start only (a later start finds the demo company
 * and leaves everything as it is), in one transaction, so a failed seed leaves nothing behind.
 *
 * Deterministic: apart from generated ids, password salts and creation timestamps, the rows depend
 * only on `asOf` (default: now, to the second), the instant every date counts back or forward from,
 * so the demo's "last 30 days" and "next month" stay true whenever it is seeded.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';
import { hashPassword } from '../../domain/password.ts';
import {
  CampaignBudgetSchema,
  CampaignTemplateSchema,
  CompanySchema,
  ContactSchema,
  ROLES,
  SegmentSchema,
  TeamSchema,
  UserSchema,
  type Role,
} from '../entities/index.ts';
import { TENANT_FILTER } from '../tenant.ts';
import { countAudience } from '../repositories/segments.ts';
import { contactProfile, insertContacts } from './contacts.ts';
import { BUDGETS, COMPANIES, RETAILERS, SEGMENTS, TEMPLATES, retailerEmail, type CompanySpec } from './demo-data.ts';
import { CAMPAIGNS } from './demo-campaign-data.ts';
import { createCampaigns, type SeededCompany } from './demo-campaigns.ts';
import { seedCampaignResults } from './demo-seed-results.ts';
import { seedSuppressions } from './activity-sql.ts';
import { knexRunner, type RunSql } from './sql.ts';

export const DEMO_COMPANY_SLUG = 'acme-retail';
export const DEMO_PASSWORD = 'herald-demo';
export const SECOND_COMPANY_SLUG = 'aurelia-jewels';

export interface DemoLogin {
  email: string;
  role: Role;
}

/** The demo company's logins (what the launcher prints); `demoLoginsOf('aurelia')` gives the second company's. */
export function demoLogins(): DemoLogin[] {
  return demoLoginsOf('acme');
}

export function demoLoginsOf(company: CompanySpec['key']): DemoLogin[] {
  const spec = COMPANIES.find((c) => c.key === company)!;
  return ROLES.map((role) => ({ email: `${role}@${spec.loginDomain}`, role }));
}

export interface SeedDemoOptions {
  /** The instant dates are computed from. Default: now, truncated to the second. */
  asOf?: Date;
}

/** Returns true when it seeded, false when the demo data was already there. */
export async function seedDemo(orm: MikroORM, opts: SeedDemoOptions = {}): Promise<boolean> {
  const asOf = opts.asOf ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const em = orm.em.fork();
  if (await em.findOne(CompanySchema, { slug: DEMO_COMPANY_SLUG })) return false;

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return em.transactional(async (tx) => {
    const sql = knexRunner(tx.getTransactionContext<Knex.Transaction>()!);
    // Two launchers starting at once: the second waits here, then finds the company and stops.
    await sql(`select pg_advisory_xact_lock(hashtext('herald:seed-demo'))`);
    if ((await sql(`select 1 from companies where slug = $1`, [DEMO_COMPANY_SLUG])).rowCount > 0) return false;
    for (const spec of COMPANIES) await seedCompany(tx, sql, spec, asOf, passwordHash);
    return true;
  });
}

async function seedCompany(em: EntityManager, sql: RunSql, spec: CompanySpec, asOf: Date, passwordHash: string): Promise<void> {
  const company = em.create(CompanySchema, {
    id: randomUUID(),
    name: spec.name,
    slug: spec.slug,
    currency: 'USD',
    supportedCurrencies: ['USD', 'EUR', 'GBP'],
    timeZone: spec.timeZone,
    approvalThreshold: spec.approvalThreshold,
    approvalAlwaysRequired: spec.approvalAlwaysRequired,
    channelCosts: spec.channelCosts,
    quietHours: { start: '21:00', end: '08:00' },
    frequencyCap: { maxMessages: 3, perDays: 7 },
    campaignSeq: CAMPAIGNS[spec.key].length,
  });
  em.setFilterParams(TENANT_FILTER, { companyId: company.id });
  const teams = spec.teams.map((t) => em.create(TeamSchema, { id: randomUUID(), company: company.id, name: t.name, region: t.region }));
  const users = {} as Record<Role, string>;
  for (const { email, role } of demoLoginsOf(spec.key)) {
    const place = spec.userPlacement[role]!;
    const user = em.create(UserSchema, {
      id: randomUUID(),
      company: company.id,
      email,
      name: `${role[0]!.toUpperCase()}${role.slice(1)} Demo`,
      passwordHash,
      role,
      team: teams[place.team]!.id,
      region: place.region,
    });
    users[role] = user.id;
  }
  await em.flush();

  await insertContacts(sql, { companyId: company.id, from: 1, to: spec.generatedContacts, asOf, ...contactProfile(spec.slug) });
  if (spec.key === 'aurelia') createRetailers(em, company.id, users.manager, asOf);
  await em.flush();
  await seedSuppressions(sql, company.id);

  const seeded: SeededCompany = { spec, id: company.id, users, segments: {}, templates: {}, budgets: {}, currency: 'USD' };
  for (const s of SEGMENTS[spec.key]) {
    const count = await countAudience(em, company.id, s.rules);
    const segment = em.create(SegmentSchema, {
      id: randomUUID(),
      company: company.id,
      name: s.name,
      description: s.description,
      type: s.type,
      rules: s.rules,
      lastCount: count,
      countedAt: asOf,
      createdBy: users.manager,
    });
    seeded.segments[s.key] = { id: segment.id, name: s.name, type: s.type, count };
  }
  const campaigns = CAMPAIGNS[spec.key];
  for (const t of TEMPLATES[spec.key]) {
    const template = em.create(CampaignTemplateSchema, {
      id: randomUUID(),
      company: company.id,
      code: t.code,
      name: t.name,
      type: t.type,
      channel: t.channel,
      content: t.content,
      isDefault: t.isDefault ?? false,
      usageCount: campaigns.filter((c) => c.template === t.code).length,
    });
    seeded.templates[t.code] = template.id;
  }
  const year = asOf.getUTCFullYear();
  for (const fiscalYear of [year - 1, year, year + 1]) {
    for (const b of BUDGETS[spec.key]) {
      const budget = em.create(CampaignBudgetSchema, {
        id: randomUUID(),
        company: company.id,
        code: `FY${fiscalYear}-${b.suffix}`,
        name: `${b.name} FY${fiscalYear}`,
        type: b.type,
        fiscalYear,
        totalAmount: b.total,
        currency: 'USD',
        approvalThreshold: b.approvalThreshold,
        allocationRules: b.allocationRules,
        costCentres: b.costCentres,
      });
      seeded.budgets[`${b.suffix}-${fiscalYear}`] = budget.id;
    }
  }
  const campaignIds = createCampaigns(em, seeded, asOf);
  await em.flush();
  await seedCampaignResults(em, sql, seeded, campaignIds, asOf);
  em.clear();
}

function createRetailers(em: EntityManager, companyId: string, ownerId: string, asOf: Date): void {
  RETAILERS.forEach((r, i) => {
    const since = new Date(asOf.getTime() - (400 + i * 17) * 86_400_000);
    em.create(ContactSchema, {
      id: randomUUID(),
      company: companyId,
      email: retailerEmail(r),
      phone: `+1212555${String(100 + i).padStart(4, '0')}`,
      firstName: r.buyer[0],
      lastName: r.buyer[1],
      region: r.region,
      timeZone: r.timeZone,
      attributes: { retailer: true, retailer_name: r.name, store_city: r.city, tier: i % 5 < 2 ? 'platinum' : 'gold' },
      consent: { email: { granted: true, source: 'partner_agreement', at: since.toISOString() } },
      owner: ownerId,
      createdAt: since,
      updatedAt: since,
    });
  });
}
