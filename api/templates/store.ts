/** Campaign templates for the API: one SQL statement per read, writes in the caller's transaction. */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import type { z } from '../openapi-zod.ts';
import { containsPattern, iso, isUniqueViolation } from '../segments/query.ts';
import type { TemplateDto, TemplateInput, TemplateListQuery, TemplatePatch } from './schemas.ts';

const COLUMNS = `t.id, t.code, t.name, t.description, t.type, t.channel, t.structure, t.default_settings, t.content, t.asset_references,
  t.is_active, t.is_default, t.usage_count, t.created_at, t.updated_at,
  (select count(*) from campaign_template_links l where l.template_id = t.id)::int as used_by`;

interface Row {
  id: string;
  code: string;
  name: string;
  description: string | null;
  type: TemplateDto['type'];
  channel: TemplateDto['channel'];
  structure: Record<string, unknown>;
  default_settings: Record<string, unknown>;
  content: Record<string, unknown>;
  asset_references: string[];
  is_active: boolean;
  is_default: boolean;
  usage_count: number;
  created_at: Date;
  updated_at: Date;
  used_by: number;
}

const toDto = (r: Row): TemplateDto => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  type: r.type,
  channel: r.channel,
  structure: r.structure,
  defaultSettings: r.default_settings,
  content: r.content,
  assetReferences: r.asset_references,
  isActive: r.is_active,
  isDefault: r.is_default,
  usageCount: r.usage_count,
  usedBy: r.used_by,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const SORT_SQL: Record<z.infer<typeof TemplateListQuery>['sort'], string> = {
  name: 'lower(t.name)',
  code: 't.code',
  createdAt: 't.created_at',
  updatedAt: 't.updated_at',
  usageCount: 't.usage_count',
};

export async function listTemplates(em: EntityManager, companyId: string, q: z.infer<typeof TemplateListQuery>) {
  const where = ['t.company_id = ?'];
  const params: Knex.Value[] = [companyId];
  if (q.is_active !== undefined) {
    where.push('t.is_active = ?');
    params.push(q.is_active);
  }
  if (q.template_type?.length) {
    where.push('t.type = any(?)');
    params.push(q.template_type);
  }
  if (q.channel) {
    where.push('t.channel = ?');
    params.push(q.channel);
  }
  if (q.q) {
    const like = containsPattern(q.q);
    where.push('(t.code ilike ? or t.name ilike ? or t.description ilike ?)');
    params.push(like, like, like);
  }
  const sql = sqlOf(em);
  const whereSql = where.join(' and ');
  const [rows, total] = await Promise.all([
    sql.raw<{ rows: Row[] }>(
      `select ${COLUMNS} from campaign_templates t where ${whereSql} order by ${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'asc' : 'desc'} nulls last, t.id limit ? offset ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from campaign_templates t where ${whereSql}`, params),
  ]);
  return { items: rows.rows.map(toDto), page: q.page, pageSize: q.pageSize, total: Number(total.rows[0]!.n) };
}

export async function loadTemplate(em: EntityManager, companyId: string, id: string, lock = false): Promise<TemplateDto> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from campaign_templates t where t.id = ? and t.company_id = ?${lock ? ' for update of t' : ''}`, [id, companyId]);
  const r = res.rows[0];
  if (!r) throw new NotFoundError('template', id);
  return toDto(r);
}

const CODE_TAKEN = () => ValidationError.field('code', 'another template already has this code');

async function guardCode<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err, 'campaign_templates_company_id_code_unique')) throw CODE_TAKEN();
    throw err;
  }
}

async function assertCodeFree(em: EntityManager, companyId: string, code: string, exceptId: string | null): Promise<void> {
  const res = await sqlOf(em).raw<{ rows: unknown[] }>(`select 1 from campaign_templates where company_id = ? and code = ? and id is distinct from ?`, [companyId, code, exceptId]);
  if (res.rows.length) throw CODE_TAKEN();
}

/** One default per type and channel: making this one the default clears the others (their ids are returned for the audit log). */
async function clearOtherDefaults(em: EntityManager, companyId: string, t: { id: string; type: string; channel: string }): Promise<string[]> {
  const res = await sqlOf(em).raw<{ rows: { id: string }[] }>(
    `update campaign_templates set is_default = false, updated_at = now() where company_id = ? and type = ? and channel = ? and is_default and id <> ? returning id`,
    [companyId, t.type, t.channel, t.id],
  );
  return res.rows.map((r) => r.id);
}

export async function createTemplate(em: EntityManager, caller: Caller, input: TemplateInput): Promise<{ id: string; clearedDefaults: string[] }> {
  await assertCodeFree(em, caller.companyId, input.code, null);
  const res = await guardCode(() =>
    sqlOf(em).raw<{ rows: { id: string }[] }>(
      `insert into campaign_templates (company_id, code, name, description, type, channel, structure, default_settings, content, asset_references, is_active, is_default)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        caller.companyId, input.code, input.name, input.description ?? null, input.type, input.channel, JSON.stringify(input.structure ?? {}),
        JSON.stringify(input.defaultSettings ?? {}), JSON.stringify(input.content ?? {}), JSON.stringify(input.assetReferences ?? []),
        input.isActive ?? true, input.isDefault ?? false,
      ],
    ),
  );
  const id = res.rows[0]!.id;
  const clearedDefaults = input.isDefault ? await clearOtherDefaults(em, caller.companyId, { id, type: input.type, channel: input.channel }) : [];
  return { id, clearedDefaults };
}

export async function updateTemplate(em: EntityManager, caller: Caller, current: TemplateDto, patch: z.infer<typeof TemplatePatch>): Promise<string[]> {
  if (patch.code !== undefined && patch.code !== current.code) await assertCodeFree(em, caller.companyId, patch.code, current.id);
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as TemplateDto;
  await guardCode(() =>
    sqlOf(em).raw(
      `update campaign_templates set code = ?, name = ?, description = ?, type = ?, channel = ?, structure = ?, default_settings = ?, content = ?,
              asset_references = ?, is_active = ?, is_default = ?, updated_at = now()
        where id = ? and company_id = ?`,
      [
        next.code, next.name, next.description, next.type, next.channel, JSON.stringify(next.structure), JSON.stringify(next.defaultSettings),
        JSON.stringify(next.content), JSON.stringify(next.assetReferences), next.isActive, next.isDefault, current.id, caller.companyId,
      ],
    ),
  );
  return next.isDefault ? clearOtherDefaults(em, caller.companyId, next) : [];
}

export async function deleteTemplate(em: EntityManager, caller: Caller, current: TemplateDto): Promise<void> {
  if (current.usedBy > 0) {
    throw new ConflictError(`cannot delete template ${current.code}: ${current.usedBy} campaign(s) use it; deactivate it instead (isActive: false)`, 'template_in_use', {
      campaigns: current.usedBy,
    });
  }
  await sqlOf(em).raw(`delete from campaign_templates where id = ? and company_id = ?`, [current.id, caller.companyId]);
}
