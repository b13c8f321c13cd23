/** GET /api/approvals: what waits for the caller's decision, with what changed since the last approval. */
import { createRoute } from '@hono/zod-openapi';
import { sqlOf } from '../db/sql.ts';
import { iso } from './query-values.ts';
import { readRows } from './read-sql.ts';
import { money } from './campaigns/store.ts';
import { describeRecurrence, type Recurrence } from '../domain/campaign-recurrence.ts';
import { errors, json, PageQuery, pageOf, router, secured, z } from './openapi.ts';

const Change = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });

const ApprovalItem = z
  .object({
    campaignId: z.uuid(),
    code: z.string(),
    name: z.string(),
    channel: z.string(),
    budget: z.object({ amount: z.string(), currency: z.string() }),
    audienceSize: z.number().int(),
    startAt: z.string(),
    submittedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    submittedAt: z.string().nullable(),
    previouslyApprovedAt: z.string().nullable(),
    changesSinceLastApproval: z.array(Change).openapi({ description: 'Field-level diff of the edits made after the last approval (empty for a first submission)' }),
    repeats: z.string().nullable().openapi({ description: 'A recurring campaign\'s cadence in words (one approval covers every occurrence); null for a one-off', example: 'Every week on Monday at 09:00 (Europe/Berlin)' }),
  })
  .openapi('ApprovalQueueItem');

interface Row {
  id: string;
  code: string;
  name: string;
  primary_channel: string;
  total_budget: string;
  currency: string;
  target_audience_size: number;
  start_at: Date;
  creator_id: string | null;
  creator_name: string | null;
  submitted_at: Date | null;
  approved_at: Date | null;
  edits: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }[];
  recurrence: Recurrence | null;
  total: string;
}

/** Earliest "before" and latest "after" of each field edited since the last approval. */
function foldEdits(edits: Row['edits']): z.infer<typeof Change>[] {
  const fields = new Map<string, { before: unknown; after: unknown }>();
  for (const e of edits) {
    for (const [k, v] of Object.entries(e.after ?? {})) {
      const prior = fields.get(k);
      fields.set(k, { before: prior ? prior.before : (e.before ?? {})[k], after: v });
    }
  }
  return [...fields].filter(([, v]) => JSON.stringify(v.before) !== JSON.stringify(v.after)).map(([field, v]) => ({ field, ...v }));
}

export function approvalRoutes() {
  const queue = createRoute({
    method: 'get',
    path: '/',
    tags: ['Approvals'],
    summary: 'Campaigns waiting for my decision (never my own), oldest first',
    ...secured('approve'),
    request: { query: z.object(PageQuery) },
    responses: { 200: json(pageOf(ApprovalItem, 'ApprovalQueuePage'), 'The approval queue'), ...errors() },
  });
  return router().openapi(queue, async (c) => {
    const caller = c.get('caller');
    const { page, pageSize } = c.req.valid('query');
    // The page is chosen first, so the audit-log look-ups run for its rows only, not the whole queue.
    const em = c.get('em');
    const where = `c.company_id = ? and c.deleted_at is null and c.status = 'pending_approval' and c.created_by_id <> ?`;
    const rows = await readRows<Row>(
      em,
      `with page as (
         select c.id, c.company_id, c.code, c.name, c.primary_channel, c.total_budget, c.currency, c.target_audience_size, c.start_at, c.created_by_id, c.updated_at,
                c.recurrence, count(*) over () as total
           from campaigns c where ${where}
          order by c.updated_at, c.id limit ? offset ?)
       select c.id, c.code, c.name, c.primary_channel, c.total_budget::text as total_budget, c.currency, c.target_audience_size, c.start_at,
              u.id as creator_id, u.name as creator_name, c.total, c.recurrence,
              (select max(a.created_at) from audit_log a where a.company_id = c.company_id and a.entity_type = 'campaign' and a.entity_id = c.id::text and a.action = 'campaign.submitted') as submitted_at,
              last.decided_at as approved_at,
              coalesce((select json_agg(json_build_object('before', a.before, 'after', a.after) order by a.id) from audit_log a
                         where a.company_id = c.company_id and a.entity_type = 'campaign' and a.entity_id = c.id::text and a.action = 'campaign.updated'
                           and last.decided_at is not null and a.created_at > last.decided_at), '[]') as edits
         from page c
         left join users u on u.id = c.created_by_id
         left join lateral (select decided_at from approvals ap where ap.campaign_id = c.id and ap.decision = 'approved' order by decided_at desc limit 1) last on true
        order by c.updated_at, c.id`,
      [caller.companyId, caller.userId, pageSize, (page - 1) * pageSize],
    );
    // A page past the end has no row to carry the total.
    let total = Number(rows[0]?.total ?? 0);
    if (rows.length === 0 && page > 1) {
      total = Number((await sqlOf(em).raw<{ rows: { n: string }[] }>(`select count(*) as n from campaigns c where ${where}`, [caller.companyId, caller.userId])).rows[0]!.n);
    }
    return c.json(
      {
        items: rows.map((r) => ({
          campaignId: r.id,
          code: r.code,
          name: r.name,
          channel: r.primary_channel,
          budget: { amount: money(r.total_budget, r.currency), currency: r.currency },
          audienceSize: r.target_audience_size,
          startAt: iso(r.start_at)!,
          submittedBy: r.creator_id ? { id: r.creator_id, name: r.creator_name ?? '' } : null,
          submittedAt: iso(r.submitted_at),
          previouslyApprovedAt: iso(r.approved_at),
          changesSinceLastApproval: foldEdits(r.edits),
          repeats: r.recurrence ? describeRecurrence(r.recurrence) : null,
        })),
        page,
        pageSize,
        total,
      },
      200,
    );
  });
}
