import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 3: an exact audience count over a million contacts reads every row of the company, and
 * half of a contacts row is what no rule reads (consent alone is a third of it; e-mail, phone,
 * names, tokens). `contacts_segmentable` is the narrow copy a count reads instead: the tenant key,
 * the contact, and exactly the columns the rule language filters on besides the addresses and
 * names (region, time zone, the created/updated instants, the unsubscribed/bounced/complained
 * markers and the custom attributes). It is kept by statement-level triggers with transition
 * tables on contacts, in the transaction of every write (API, import, send-path markers, seeds,
 * cascades from a deleted company), so a count never sees it differ from contacts. The campaign's
 * audience snapshot keeps reading contacts.
 */

const COLUMNS = ['region', 'time_zone', 'created_at', 'updated_at', 'unsubscribed_at', 'bounced_at', 'complained_at', 'attributes'] as const;
const cols = COLUMNS.map((c) => `"${c}"`).join(', ');
const fromN = COLUMNS.map((c) => `n."${c}"`).join(', ');
const sets = COLUMNS.map((c) => `"${c}" = n."${c}"`).join(', ');

const FUNCTION = `create or replace function herald_contacts_segmentable() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    insert into contacts_segmentable (company_id, contact_id, ${cols}) select n.company_id, n.id, ${fromN} from n;
  elsif TG_OP = 'UPDATE' then
    update contacts_segmentable s set company_id = n.company_id, ${sets}
      from o join n on n.id = o.id
     where s.company_id = o.company_id and s.contact_id = o.id;
  elsif TG_OP = 'DELETE' then
    delete from contacts_segmentable s using o where s.company_id = o.company_id and s.contact_id = o.id;
  else
    truncate contacts_segmentable;
  end if;
  return null;
end $$`;

export class Migration20261125033000_contacts_segmentable extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "contacts_segmentable" ("company_id" uuid not null, "contact_id" uuid not null, "region" varchar(64) null, "time_zone" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "unsubscribed_at" timestamptz null, "bounced_at" timestamptz null, "complained_at" timestamptz null, "attributes" jsonb not null default '{}', constraint "contacts_segmentable_pkey" primary key ("company_id", "contact_id"));`,
    );
    this.addSql(`alter table "contacts_segmentable" add constraint "contacts_segmentable_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`insert into contacts_segmentable (company_id, contact_id, ${cols}) select n.company_id, n.id, ${fromN} from contacts n;`);
    this.addSql(`${FUNCTION};`);
    this.addSql(`create trigger contacts_segmentable_insert after insert on "contacts" referencing new table as n for each statement execute function herald_contacts_segmentable();`);
    this.addSql(`create trigger contacts_segmentable_update after update on "contacts" referencing old table as o new table as n for each statement execute function herald_contacts_segmentable();`);
    this.addSql(`create trigger contacts_segmentable_delete after delete on "contacts" referencing old table as o for each statement execute function herald_contacts_segmentable();`);
    this.addSql(`create trigger contacts_segmentable_truncate after truncate on "contacts" for each statement execute function herald_contacts_segmentable();`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete', 'truncate']) this.addSql(`drop trigger if exists contacts_segmentable_${op} on "contacts";`);
    this.addSql(`drop function if exists herald_contacts_segmentable();`);
    this.addSql(`drop table if exists "contacts_segmentable";`);
  }
}
