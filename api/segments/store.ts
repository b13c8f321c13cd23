/**
 * Segments for the API: reads as one SQL statement mapped to the DTO, writes inside the caller's
 * transaction. A segment is the live audience of every campaign that names it, so the writes guard
 * what those campaigns would otherwise silently change.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { describeSegment } from '../../domain/segment-describe.ts';
import { segmentIssues } from '../../domain/segment-rules.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import type { z } from '../openapi-zod.ts';
import { containsPattern, iso, isUniqueViolation } from './query.ts';
import type { SegmentCreate, SegmentDto, SegmentListQuery, SegmentPatch } from './schemas.ts';

/** States in which a campaign's audience is approved or being sent: its rules must not move under it. */
const LIVE_STATES = ['pending_approval', 'approved', 'scheduled', 'sending', 'paused'];

const COLUMNS = `s.id, s.name, s.description, s.type, s.rules, s.last_count, s.counted_at, s.created_at, s.updated_at,
  u.id as creator_id, u.name as creator_name,
  (select count(distinct cs.campaign_id) from campaign_segments cs join campaigns k on k.id = cs.campaign_id
    where cs.segment_id = s.id and k.deleted_at is null)::int as used_by`;

interface Row {
  id: string;
  name: string;
  description: string | null;
  type: SegmentDto['type'];
  rules: unknown;
  last_count: number | null;
  counted_at: Date | null;
  created_at: Date;
  updated_at: Date;
  creator_id: string | null;
  creator_name: string | null;
  used_by: number;
}

function summary(rules: unknown): string {
  if (rules === null) return 'Every contact';
  try {
    return describeSegment(rules);
  } catch {
    // A tree stored before a rule of the language changed: still listed, flagged instead of failing the list.
    return 'Rules no longer valid; edit the segment';
  }
}

function toDto(r: Row): SegmentDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type,
    rules: r.rules,
    summary: summary(r.rules),
    lastCount: r.last_count,
    countedAt: iso(r.counted_at),
    usedBy: r.used_by,
    createdBy: r.creator_id ? { id: r.creator_id, name: r.creator_name ?? '' } : null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const SORT_SQL: Record<z.infer<typeof SegmentListQuery>['sort'], string> = {
  name: 'lower(s.name)',
  createdAt: 's.created_at',
  updatedAt: 's.updated_at',
  lastCount: 's.last_count',
};

export async function listSegments(em: EntityManager, companyId: string, q: z.infer<typeof SegmentListQuery>) {
  const where = ['s.company_id = ?'];
  const params: Knex.Value[] = [companyId];
  if (q.q) {
    where.push('(s.name ilike ? or s.description ilike ?)');
    params.push(containsPattern(q.q), containsPattern(q.q));
  }
  if (q.type?.length) {
    where.push('s.type = any(?)');
    params.push(q.type);
  }
  if (q.campaignId) {
    where.push('exists (select 1 from campaign_segments cs where cs.segment_id = s.id and cs.campaign_id = ?)');
    params.push(q.campaignId);
  }
  if (q.minCount !== undefined) {
    where.push('s.last_count >= ?');
    params.push(q.minCount);
  }
  if (q.maxCount !== undefined) {
    where.push('s.last_count <= ?');
    params.push(q.maxCount);
  }
  const sql = sqlOf(em);
  const whereSql = where.join(' and ');
  const [rows, total] = await Promise.all([
    sql.raw<{ rows: Row[] }>(
      `select ${COLUMNS} from segments s left join users u on u.id = s.created_by_id
        where ${whereSql} order by ${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'asc' : 'desc'} nulls last, s.id limit ? offset ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from segments s where ${whereSql}`, params),
  ]);
  return { items: rows.rows.map(toDto), page: q.page, pageSize: q.pageSize, total: Number(total.rows[0]!.n) };
}

/** 404 for an id of another company. `lock` holds the row until the transaction ends. */
export async function loadSegment(em: EntityManager, companyId: string, id: string, lock = false): Promise<SegmentDto> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(
    `select ${COLUMNS} from segments s left join users u on u.id = s.created_by_id where s.id = ? and s.company_id = ?${lock ? ' for update of s' : ''}`,
    [id, companyId],
  );
  const r = res.rows[0];
  if (!r) throw new NotFoundError('segment', id);
  return toDto(r);
}

function checkRules(rules: unknown): void {
  if (rules === null || rules === undefined) return;
  const issues = segmentIssues(rules, { path: 'rules' });
  if (issues.length) throw new ValidationError(issues, 'invalid_segment');
}

async function assertNameFree(em: EntityManager, companyId: string, name: string, exceptId?: string): Promise<void> {
  const res = await sqlOf(em).raw<{ rows: unknown[] }>(`select 1 from segments where company_id = ? and lower(name) = lower(?) and id is distinct from ?`, [
    companyId,
    name,
    exceptId ?? null,
  ]);
  if (res.rows.length) throw ValidationError.field('name', 'another segment already has this name');
}

async function guardUnique<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err, 'segments_company_id_name_unique')) throw ValidationError.field('name', 'another segment already has this name');
    throw err;
  }
}

export async function createSegment(em: EntityManager, caller: Caller, input: z.infer<typeof SegmentCreate>): Promise<string> {
  checkRules(input.rules);
  await assertNameFree(em, caller.companyId, input.name);
  const res = await guardUnique(() =>
    sqlOf(em).raw<{ rows: { id: string }[] }>(
      `insert into segments (company_id, name, description, type, rules, created_by_id) values (?, ?, ?, ?, ?, ?) returning id`,
      [caller.companyId, input.name, input.description ?? null, input.type ?? 'mixed', input.rules === null ? null : JSON.stringify(input.rules), caller.userId],
    ),
  );
  return res.rows[0]!.id;
}

interface CampaignUse {
  id: string;
  code: string;
  status: string;
}

async function campaignsUsing(em: EntityManager, companyId: string, segmentId: string, states: 'live' | 'non_draft'): Promise<CampaignUse[]> {
  const live = states === 'live';
  const res = await sqlOf(em).raw<{ rows: CampaignUse[] }>(
    `select distinct k.id, k.code, k.status from campaign_segments cs join campaigns k on k.id = cs.campaign_id
      where cs.segment_id = ? and k.company_id = ? and k.deleted_at is null and ${live ? 'k.status = any(?)' : "k.status <> 'draft'"}
      order by k.code`,
    live ? [segmentId, companyId, LIVE_STATES] : [segmentId, companyId],
  );
  return res.rows;
}

function inUse(action: string, uses: CampaignUse[]): ConflictError {
  const list = uses.map((u) => `${u.code} (${u.status})`).join(', ');
  return new ConflictError(`cannot ${action}: it is the audience of ${list}`, 'segment_in_use', { campaigns: uses });
}

export async function updateSegment(em: EntityManager, caller: Caller, current: SegmentDto, patch: z.infer<typeof SegmentPatch>): Promise<void> {
  checkRules(patch.rules);
  if (patch.name !== undefined) await assertNameFree(em, caller.companyId, patch.name, current.id);
  const rulesChange = patch.rules !== undefined && JSON.stringify(patch.rules) !== JSON.stringify(current.rules);
  if (rulesChange) {
    const live = await campaignsUsing(em, caller.companyId, current.id, 'live');
    if (live.length) throw inUse("change this segment's rules", live);
  }
  await guardUnique(() =>
    sqlOf(em).raw(
      `update segments set name = ?, description = ?, type = ?, rules = ?, updated_at = now(),
              last_count = case when ? then null else last_count end, counted_at = case when ? then null else counted_at end
        where id = ? and company_id = ?`,
      [
        patch.name ?? current.name,
        patch.description === undefined ? current.description : patch.description,
        patch.type ?? current.type,
        (rulesChange ? patch.rules : current.rules) === null ? null : JSON.stringify(rulesChange ? patch.rules : current.rules),
        rulesChange,
        rulesChange,
        current.id,
        caller.companyId,
      ],
    ),
  );
}

/**
 * Deletes a segment no campaign past its draft uses. Drafts that name it keep their audience: its
 * rules are copied into their own criteria first (the foreign key would otherwise turn the draft's
 * audience into "every contact").
 */
export async function deleteSegment(em: EntityManager, caller: Caller, current: SegmentDto): Promise<void> {
  const used = await campaignsUsing(em, caller.companyId, current.id, 'non_draft');
  if (used.length) throw inUse('delete this segment', used);
  const sql = sqlOf(em);
  if (current.rules !== null) {
    await sql.raw(
      `update campaign_segments set demographic_criteria = case when demographic_criteria is null then ?::jsonb
                                                             else jsonb_build_object('all', jsonb_build_array(demographic_criteria, ?::jsonb)) end,
              updated_at = now()
        where segment_id = ? and company_id = ?`,
      [JSON.stringify(current.rules), JSON.stringify(current.rules), current.id, caller.companyId],
    );
  }
  await sql.raw(`delete from segments where id = ? and company_id = ?`, [current.id, caller.companyId]);
}

export async function saveCount(em: EntityManager, companyId: string, id: string, count: number, at: Date): Promise<void> {
  await sqlOf(em).raw(`update segments set last_count = ?, counted_at = ? where id = ? and company_id = ?`, [count, at, id, companyId]);
}
