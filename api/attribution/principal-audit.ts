/** The audit trail for routes an API key may call: the user when one acts, else no actor and the key named. */
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApiEnv } from '../context.ts';
import { audit, type AuditEntry } from '../audit.ts';

export async function auditPrincipal(em: EntityManager, c: Context<ApiEnv>, entry: Omit<AuditEntry, 'companyId' | 'actorId'>): Promise<void> {
  const p = c.get('principal');
  const after = p.apiKeyId ? { ...(entry.after ?? {}), apiKeyId: p.apiKeyId } : entry.after;
  await audit(em, c, { ...entry, after, companyId: p.companyId, actorId: p.userId });
}
