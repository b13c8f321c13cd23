/**
 * Keys for machine callers (a CRM, a shop) of a company. Only a SHA-256 of the secret is stored: the
 * secret is 32 random bytes, so a fast hash is as safe as a slow one and costs nothing per request.
 * The prefix is shown in lists so a key can be recognised without its secret.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  filters: tenantFilter,
  uniques: [{ properties: ['prefix'] }],
  indexes: [{ properties: ['company', 'createdAt'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    name: p.string().length(100),
    /** `hk_` and 8 characters: public, unique, and how a request finds its key. */
    prefix: p.string().length(16),
    secretHash: p.string().length(64),
    scopes: p.array().columnType('text[]').default('{}'),
    createdBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    revokedBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
  },
});
export type ApiKey = InferEntity<typeof ApiKeySchema>;
