/** Admin: a company's API keys for machine callers. The secret is shown once, on creation. */
import { createRoute } from '@hono/zod-openapi';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { iso } from '../query-values.ts';
import { API_KEY_SCOPES, generateApiKey } from './machine-auth.ts';

const ApiKeyDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The public start of the key, to recognise it in lists and logs', example: 'hk_Ab3dE6gH' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const ApiKeyCreated = ApiKeyDto.extend({
  key: z.string().openapi({ description: 'The whole key. Shown only in this answer: store it now; Herald keeps only its digest.' }),
}).openapi('ApiKeyCreated');

const ApiKeyCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  })
  .openapi('ApiKeyCreate');

interface Row {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  creator_id: string | null;
  creator_name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
const SELECT = `select k.id, k.name, k.prefix, k.scopes, u.id as creator_id, u.name as creator_name, k.created_at, k.last_used_at, k.revoked_at
  from api_keys k left join users u on u.id = k.created_by_id`;
const toDto = (r: Row) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as (typeof API_KEY_SCOPES)[number][],
  createdBy: r.creator_id ? { id: r.creator_id, name: r.creator_name ?? '' } : null,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

async function loadKey(em: EntityManager, companyId: string, id: string) {
  const row = (await sqlOf(em).raw<{ rows: Row[] }>(`${SELECT} where k.id = ? and k.company_id = ?`, [id, companyId])).rows[0];
  if (!row) throw new NotFoundError('API key', id);
  return toDto(row);
}

export function apiKeyRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/api-keys',
    tags: ['API keys'],
    summary: "The company's API keys, newest first (never their secrets)",
    ...secured('admin'),
    responses: { 200: json(z.object({ items: z.array(ApiKeyDto) }).openapi('ApiKeyList'), 'API keys'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/api-keys',
    tags: ['API keys'],
    summary: 'Create a key for a machine caller; the answer carries the whole key, once',
    ...secured('admin'),
    request: { body: body(ApiKeyCreate) },
    responses: { 201: json(ApiKeyCreated, 'The new key, with its secret'), ...errors() },
  });
  const revoke = createRoute({
    method: 'delete',
    path: '/api-keys/{id}',
    tags: ['API keys'],
    summary: 'Revoke a key: its next request is refused (401). Revoking twice keeps the first time.',
    ...secured('admin'),
    request: { params: IdParam },
    responses: { 200: json(ApiKeyDto, 'The revoked key'), ...errors(404) },
  });

  return router()
    .openapi(list, async (c) => {
      const { companyId } = c.get('caller');
      const rows = (await sqlOf(c.get('em')).raw<{ rows: Row[] }>(`${SELECT} where k.company_id = ? order by k.created_at desc, k.id`, [companyId])).rows;
      return c.json({ items: rows.map(toDto) }, 200);
    })
    .openapi(create, async (c) => {
      const caller = c.get('caller');
      const input = c.req.valid('json');
      const scopes = [...new Set(input.scopes)];
      const { key, prefix, secretHash } = generateApiKey();
      const dto = await c.get('em').transactional(async (tx) => {
        const id = (
          await sqlOf(tx).raw<{ rows: { id: string }[] }>(
            `insert into api_keys (company_id, name, prefix, secret_hash, scopes, created_by_id) values (?, ?, ?, ?, ?::text[], ?) returning id`,
            [caller.companyId, input.name, prefix, secretHash, scopes, caller.userId],
          )
        ).rows[0]!.id;
        await audit(tx, c, { action: 'api_key.created', entityType: 'api_key', entityId: id, after: { name: input.name, prefix, scopes } });
        return loadKey(tx, caller.companyId, id);
      });
      return c.json({ ...dto, key }, 201);
    })
    .openapi(revoke, async (c) => {
      const caller = c.get('caller');
      const { id } = c.req.valid('param');
      const dto = await c.get('em').transactional(async (tx) => {
        const before = await loadKey(tx, caller.companyId, id);
        if (before.revokedAt) return before;
        await sqlOf(tx).raw(`update api_keys set revoked_at = now(), revoked_by_id = ? where id = ? and company_id = ?`, [caller.userId, id, caller.companyId]);
        await audit(tx, c, { action: 'api_key.revoked', entityType: 'api_key', entityId: id, before: { revokedAt: null }, after: { name: before.name, prefix: before.prefix } });
        return loadKey(tx, caller.companyId, id);
      });
      return c.json(dto, 200);
    });
}
