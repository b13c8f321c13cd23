/**
 * The audit trail of every state-changing request: actor, action, entity, before/after, request id
 * and IP, written with the same entity manager (and so in the same transaction) as the change.
 */
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import { clientIp, type ApiEnv } from './context.ts';
import { sqlOf } from '../db/sql.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Default: the caller's. Sign-in passes them because no caller is set yet. */
  companyId?: string;
  actorId?: string | null;
}

export async function audit(em: EntityManager, c: Context<ApiEnv> | Context, entry: AuditEntry): Promise<void> {
  const caller = (c as Context<ApiEnv>).get('caller') as { userId: string; companyId: string } | undefined;
  const companyId = entry.companyId ?? caller?.companyId;
  if (!companyId) throw new Error('audit entry without a company');
  await sqlOf(em).raw(
    `insert into audit_log (company_id, actor_id, action, entity_type, entity_id, before, after, request_id, ip) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      companyId,
      entry.actorId === undefined ? (caller?.userId ?? null) : entry.actorId,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.before ? JSON.stringify(entry.before) : null,
      entry.after ? JSON.stringify(entry.after) : null,
      ((c as Context<ApiEnv>).get('requestId') as string | undefined) ?? null,
      clientIp(c),
    ],
  );
}
