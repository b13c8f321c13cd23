/**
 * Tenant isolation: every tenant-owned entity carries `company` and this filter, on by default. A
 * query made without a company fails loudly ("No arguments provided for filter tenant") instead of
 * returning every tenant's rows; system code that must cross tenants says so with
 * `filters: { tenant: false }`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const TENANT_FILTER = 'tenant';

export const tenantFilter = {
  [TENANT_FILTER]: {
    name: TENANT_FILTER,
    cond: (args: { companyId: string }) => ({ company: args.companyId }),
    default: true,
  },
};

/** A fork of the entity manager scoped to one company: what every request and activity gets. */
export function forkForCompany(em: EntityManager, companyId: string): EntityManager {
  const fork = em.fork();
  fork.setFilterParams(TENANT_FILTER, { companyId });
  return fork;
}
