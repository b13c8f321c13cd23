/** Sessions and request de-duplication: refresh-token families and idempotent creates. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

/**
 * One row per refresh token ever issued. Tokens of one sign-in share a `family`; presenting a token
 * whose `usedAt` is set (a replay of a rotated token) revokes the whole family. Only a SHA-256 of
 * the token is stored, so the table is useless to whoever reads it.
 */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  filters: tenantFilter,
  indexes: [{ properties: ['user', 'revokedAt'] }, { properties: ['family'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    user: () => p.manyToOne(UserSchema).ref().deleteRule('cascade'),
    family: p.uuid(),
    /** The sign-in passed a second factor: refreshed access tokens keep saying so. */
    mfa: p.boolean().default(false),
    tokenHash: p.string().length(64).unique(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type RefreshToken = InferEntity<typeof RefreshTokenSchema>;

/** The first answer to a create sent with an `Idempotency-Key`, replayed for every retry. */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'user', 'key'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    user: () => p.manyToOne(UserSchema).ref().deleteRule('cascade'),
    key: p.string().length(200),
    /** SHA-256 of method, path and body: the same key with another request is a client bug (422). */
    requestHash: p.string().length(64),
    status: p.smallint(),
    response: p.json<unknown>(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKeySchema>;
