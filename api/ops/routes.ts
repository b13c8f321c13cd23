/**
 * Ops: campaign workflows by status (Temporal visibility, by the CompanyId / CampaignStatus search
 * attributes), a campaign's history made readable, activities failing or retrying now, and stuck
 * campaigns — each with a link to the same workflow in the Temporal Web UI.
 */
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { CAMPAIGN_STATES } from '../../domain/campaign-states.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { campaignWorkflowId } from '../../workflows/campaign-messages.ts';
import type { AppDeps } from '../deps.ts';
import { errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { readableHistory } from './history.ts';

const WorkflowItem = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    campaignId: z.string().nullable(),
    campaignStatus: z.string().nullable(),
    executionStatus: z.string(),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    temporalUiUrl: z.string().nullable(),
  })
  .openapi('WorkflowItem');

const HistoryEvent = z
  .object({
    eventId: z.number(),
    time: z.string().nullable(),
    type: z.string(),
    summary: z.string(),
    activity: z.string().optional(),
    attempt: z.number().optional(),
    failure: z.object({ message: z.string(), cause: z.string().nullable(), type: z.string().nullable() }).optional(),
    actor: z.object({ id: z.string(), name: z.string().nullable() }).nullable().optional(),
  })
  .openapi('HistoryEvent');

const PendingActivity = z.object({
  campaignId: z.string().nullable(),
  workflowId: z.string(),
  activity: z.string(),
  attempt: z.number(),
  state: z.string(),
  lastFailure: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  temporalUiUrl: z.string().nullable(),
});

const tsOf = (d: Date | undefined | null) => (d ? d.toISOString() : null);
const protoTime = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => (t?.seconds ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null);

export function opsRoutes(deps: AppDeps) {
  const client: Client = deps.temporal.client;
  const ui = (workflowId: string, runId?: string) =>
    deps.temporal.uiUrl ? `${deps.temporal.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}` : null;

  async function running(companyId: string, limit: number): Promise<WorkflowExecutionDescription[]> {
    const out: WorkflowExecutionDescription[] = [];
    for await (const w of client.workflow.list({ query: `CompanyId = '${companyId}' AND ExecutionStatus = 'Running' AND WorkflowType = 'campaignWorkflow'` })) {
      try {
        out.push(await client.workflow.getHandle(w.workflowId, w.runId).describe());
      } catch {
        /* closed meanwhile */
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  function pendingOf(d: WorkflowExecutionDescription) {
    const campaignId = d.workflowId.startsWith('campaign-') ? d.workflowId.slice('campaign-'.length) : null;
    return (d.raw.pendingActivities ?? []).map((a) => ({
      campaignId,
      workflowId: d.workflowId,
      activity: a.activityType?.name ?? 'activity',
      attempt: a.attempt ?? 1,
      state: String(a.state ?? ''),
      lastFailure: a.lastFailure?.message ?? null,
      lastHeartbeatAt: protoTime(a.lastHeartbeatTime) ?? protoTime(a.lastStartedTime),
      temporalUiUrl: ui(d.workflowId, d.runId),
    }));
  }

  const workflows = createRoute({
    method: 'get',
    path: '/workflows',
    tags: ['Ops'],
    summary: "My company's campaign workflows by status (Temporal visibility)",
    ...secured('workflow:read'),
    request: { query: z.object({ campaignStatus: z.enum(CAMPAIGN_STATES).optional(), running: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
    responses: { 200: json(z.object({ items: z.array(WorkflowItem) }), 'Workflows, newest first'), ...errors() },
  });
  const history = createRoute({
    method: 'get',
    path: '/campaigns/{id}/history',
    tags: ['Ops'],
    summary: "A campaign's workflow history, readable: activities, attempts, failures, signals and updates with who sent them",
    ...secured('workflow:read'),
    request: { params: IdParam, query: z.object({ runId: z.uuid().optional().openapi({ description: "A run of this campaign's workflow (a UUID, from runs[]); default: the latest" }), workflowTasks: z.enum(['true', 'false']).default('false') }) },
    responses: {
      200: json(z.object({ workflowId: z.string(), runId: z.string(), runs: z.array(WorkflowItem), temporalUiUrl: z.string().nullable(), events: z.array(HistoryEvent) }), 'The history of one run (default: the latest)'),
      ...errors(404),
    },
  });
  const failing = createRoute({
    method: 'get',
    path: '/activities',
    tags: ['Ops'],
    summary: 'Activities failing or retrying now (attempt > 1 or a last failure)',
    ...secured('workflow:read'),
    responses: { 200: json(z.object({ items: z.array(PendingActivity) }), 'Activities in trouble'), ...errors() },
  });
  const stuck = createRoute({
    method: 'get',
    path: '/stuck',
    tags: ['Ops'],
    summary: 'Sending campaigns with no progress (no batch running, or no heartbeat) for `minutes`',
    ...secured('workflow:read'),
    request: { query: z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(15) }) },
    responses: {
      200: json(z.object({ items: z.array(z.object({ campaignId: z.string(), code: z.string(), name: z.string(), status: z.string(), lastActivityAt: z.string().nullable(), reason: z.string(), temporalUiUrl: z.string().nullable() })) }), 'Stuck campaigns'),
      ...errors(),
    },
  });

  return router()
    .openapi(workflows, async (c) => {
      const q = c.req.valid('query');
      const clauses = [`CompanyId = '${c.get('caller').companyId}'`, `WorkflowType = 'campaignWorkflow'`];
      if (q.campaignStatus) clauses.push(`CampaignStatus = '${q.campaignStatus}'`);
      if (q.running) clauses.push(q.running === 'true' ? `ExecutionStatus = 'Running'` : `ExecutionStatus != 'Running'`);
      const items: z.infer<typeof WorkflowItem>[] = [];
      for await (const w of client.workflow.list({ query: clauses.join(' AND ') })) {
        const sa = w.searchAttributes as Record<string, unknown[] | undefined>;
        items.push({
          workflowId: w.workflowId,
          runId: w.runId,
          campaignId: (sa.CampaignId?.[0] as string | undefined) ?? null,
          campaignStatus: (sa.CampaignStatus?.[0] as string | undefined) ?? null,
          executionStatus: w.status.name,
          startTime: w.startTime.toISOString(),
          closeTime: tsOf(w.closeTime),
          temporalUiUrl: ui(w.workflowId, w.runId),
        });
        if (items.length >= q.limit) break;
      }
      return c.json({ items }, 200);
    })
    .openapi(history, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const found = await sqlOf(c.get('em')).raw<{ rows: unknown[] }>(`select 1 from campaigns where id = ? and company_id = ?`, [id, c.get('caller').companyId]);
      if (!found.rows.length) throw new NotFoundError('campaign', id);
      const workflowId = campaignWorkflowId(id);
      const runs: z.infer<typeof WorkflowItem>[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        runs.push({ workflowId, runId: w.runId, campaignId: id, campaignStatus: null, executionStatus: w.status.name, startTime: w.startTime.toISOString(), closeTime: tsOf(w.closeTime), temporalUiUrl: ui(workflowId, w.runId) });
      }
      runs.sort((a, b) => b.startTime.localeCompare(a.startTime));
      // Only a run of this campaign's workflow: any other id is unknown here, whatever Temporal holds.
      if (q.runId && !runs.some((r) => r.runId === q.runId)) throw new NotFoundError('workflow run', q.runId);
      const runId = q.runId ?? runs[0]?.runId;
      if (!runId) throw new NotFoundError('workflow run of campaign', id);
      let events;
      try {
        events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new NotFoundError('workflow run', runId);
        throw err;
      }
      const readable = readableHistory(events).filter((e) => q.workflowTasks === 'true' || !e.type.startsWith('WorkflowTask'));
      const actorIds = [...new Set(readable.map((e) => e.actorId).filter((x): x is string => !!x))];
      const names = actorIds.length
        ? Object.fromEntries(
            (await sqlOf(c.get('em')).raw<{ rows: { id: string; name: string }[] }>(`select id, name from users where company_id = ? and id::text = any(?)`, [c.get('caller').companyId, actorIds])).rows.map((r) => [r.id, r.name]),
          )
        : {};
      return c.json(
        {
          workflowId,
          runId,
          runs,
          temporalUiUrl: ui(workflowId, runId),
          events: readable.map(({ actorId, ...e }) => ({ ...e, ...(actorId !== undefined ? { actor: actorId ? { id: actorId, name: names[actorId] ?? null } : null } : {}) })),
        },
        200,
      );
    })
    .openapi(failing, async (c) => {
      const described = await running(c.get('caller').companyId, 200);
      const items = described.flatMap(pendingOf).filter((a) => a.attempt > 1 || a.lastFailure !== null);
      return c.json({ items }, 200);
    })
    .openapi(stuck, async (c) => {
      const { minutes } = c.req.valid('query');
      const caller = c.get('caller');
      const sending = await sqlOf(c.get('em')).raw<{ rows: { id: string; code: string; name: string; status: string; workflow_id: string | null }[] }>(
        `select id, code, name, status, workflow_id from campaigns where company_id = ? and status = 'sending' and deleted_at is null limit 200`,
        [caller.companyId],
      );
      const cutoff = Date.now() - minutes * 60_000;
      const items = [];
      for (const row of sending.rows) {
        const workflowId = row.workflow_id ?? campaignWorkflowId(row.id);
        let d: WorkflowExecutionDescription;
        try {
          d = await client.workflow.getHandle(workflowId).describe();
        } catch {
          items.push({ campaignId: row.id, code: row.code, name: row.name, status: row.status, lastActivityAt: null, reason: 'marked sending but its workflow cannot be found', temporalUiUrl: ui(workflowId) });
          continue;
        }
        if (d.status.name !== 'RUNNING') {
          items.push({ campaignId: row.id, code: row.code, name: row.name, status: row.status, lastActivityAt: tsOf(d.closeTime), reason: `marked sending but its workflow is ${d.status.name.toLowerCase()}`, temporalUiUrl: ui(workflowId, d.runId) });
          continue;
        }
        const pending = pendingOf(d);
        const last = pending.map((p) => p.lastHeartbeatAt).filter((x): x is string => !!x).sort().at(-1) ?? null;
        if (pending.length === 0 && Date.now() - d.startTime.getTime() > minutes * 60_000) {
          items.push({ campaignId: row.id, code: row.code, name: row.name, status: row.status, lastActivityAt: last, reason: 'sending, but no batch is running', temporalUiUrl: ui(workflowId, d.runId) });
        } else if (pending.length > 0 && (!last || Date.parse(last) < cutoff)) {
          items.push({ campaignId: row.id, code: row.code, name: row.name, status: row.status, lastActivityAt: last, reason: `no heartbeat for ${minutes} minutes (${pending.map((p) => `${p.activity} attempt ${p.attempt}`).join(', ')})`, temporalUiUrl: ui(workflowId, d.runId) });
        }
      }
      return c.json({ items }, 200);
    });
}
