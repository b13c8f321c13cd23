/**
 * The knex runner for raw SQL that joins the entity manager's current transaction, if any.
 * `em.getKnex()` alone always uses a fresh connection, outside `em.transactional()`.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

export function sqlOf(em: EntityManager): Knex | Knex.Transaction {
  return (em.getTransactionContext() as Knex.Transaction | undefined) ?? em.getKnex();
}
