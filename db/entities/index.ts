import { CompanySchema } from './company.ts';
import { TeamSchema, UserSchema } from './user.ts';

export * from './company.ts';
export * from './user.ts';

/** Every entity, in one list: the ORM config, the migration check and the tenant test use it. */
export const ENTITIES = [CompanySchema, TeamSchema, UserSchema];
