/** /api/campaigns: the history page's list, create (idempotent), get, edit (If-Match), delete and duplicate. */
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { audit } from '../audit.ts';
import { idempotent } from '../idempotency.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { campaignHandle, runUpdate } from '../campaign-lifecycle.ts';
import { editAudienceUpdate, editContentUpdate, rescheduleUpdate } from '../../workflows/campaign-messages.ts';
import { Campaign, CampaignCreate, CampaignListQuery, CampaignPage, CampaignPatch, GetQuery } from './schemas.ts';
import { liveState, listCampaigns } from './store.ts';
import { approvalHash, createCampaign, diff, duplicateCampaign, loadCampaign, restoreCampaign, softDelete, updateCampaign } from './service.ts';
import { ValidationError } from '../../domain/errors.ts';
import { performanceOf, segmentsOf } from './extras.ts';
import { seriesOf } from './series.ts';
import { publishEvents } from '../../db/repositories/outbox.ts';

const IdempotencyHeader = z.object({
  'idempotency-key': z.string().max(200).optional().openapi({ description: 'Retrying with the same key returns the first result instead of creating a second campaign' }),
});
const IfMatchHeader = z.object({ 'if-match': z.string().optional().openapi({ description: 'The ETag (version) you loaded: a stale one gets 412' }) });

function parseIfMatch(value: string | undefined): number | null {
  if (value === undefined || value === '*') return null;
  const m = value.match(/^(?:W\/)?"?(\d+)"?$/);
  if (!m) throw ValidationError.field('If-Match', 'must be the ETag of the campaign, e.g. "3"');
  return Number(m[1]);
}

export function campaignRoutes(deps: AppDeps) {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags: ['Campaigns'],
    summary: 'List campaigns: paginated, sorted, searched and filtered',
    ...secured('read'),
    request: { query: CampaignListQuery },
    responses: { 200: json(CampaignPage, 'A page of campaigns'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags: ['Campaigns'],
    summary: 'Create a draft campaign (code generated when absent)',
    ...secured('create'),
    request: { headers: IdempotencyHeader, body: body(CampaignCreate) },
    responses: { 201: json(Campaign, 'Created (or the first result, for a retried Idempotency-Key)'), ...errors() },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Campaigns'],
    summary: 'A campaign with its audience, content, budget, targets, approval trail and the live workflow state',
    ...secured('read'),
    request: { params: IdParam, query: GetQuery },
    responses: { 200: json(Campaign, 'The campaign; ETag is its version'), ...errors(404) },
  });
  const update = createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['Campaigns'],
    summary: 'Edit a campaign before it sends; after approval an edit sends it back for approval',
    ...secured('update'),
    request: { params: IdParam, headers: IfMatchHeader, body: body(CampaignPatch) },
    responses: { 200: json(Campaign, 'Saved'), ...errors(404, 409, 412) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['Campaigns'],
    summary: 'Archive (soft-delete) a draft, rejected or finished campaign',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Archived' }, ...errors(404, 409) },
  });
  const duplicate = createRoute({
    method: 'post',
    path: '/{id}/duplicate',
    tags: ['Campaigns'],
    summary: 'A new draft copying content, audience, budget and targets',
    ...secured('create'),
    request: { params: IdParam },
    responses: { 201: json(Campaign, 'The copy'), ...errors(404) },
  });

  return router()
    .openapi(list, async (c) => c.json(await listCampaigns(c.get('em'), c.get('caller').companyId, c.req.valid('query')), 200))
    .openapi(create, async (c) => {
      const caller = c.get('caller');
      const input = c.req.valid('json');
      const result = await idempotent(c.get('em'), caller, c.req.valid('header')['idempotency-key'], { path: 'POST /campaigns', input }, async (tx) => {
        const { id, warnings } = await createCampaign(tx, caller, input);
        const created = await loadCampaign(tx, caller.companyId, id);
        await audit(tx, c, { action: 'campaign.created', entityType: 'campaign', entityId: id, after: { code: created.code, name: created.name, status: created.status } });
        await publishEvents(tx, [{ companyId: caller.companyId, type: 'campaign.created', payload: { campaignId: id, code: created.code, name: created.name, status: created.status } }]);
        return { status: 201, body: { ...created, warnings } };
      });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('ETag', `"${result.body.version}"`);
      c.header('Location', `/api/campaigns/${result.body.id}`);
      return c.json(result.body, 201);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const em = c.get('em');
      const { companyId } = c.get('caller');
      const campaign = await loadCampaign(em, companyId, id);
      const [state, series, segments, performance] = await Promise.all([
        liveState(deps.temporal.client, campaign),
        seriesOf(deps.temporal.client, em, companyId, campaign),
        q.include_segments ? segmentsOf(em, companyId, id) : undefined,
        q.include_performance ? performanceOf(em, companyId, id) : undefined,
      ]);
      c.header('ETag', `"${campaign.version}"`);
      return c.json({ ...campaign, state, ...(series ? { series } : {}), ...(segments ? { segments } : {}), ...(performance !== undefined ? { performance } : {}) }, 200);
    })
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const caller = c.get('caller');
      const expected = parseIfMatch(c.req.valid('header')['if-match']);
      const em = c.get('em');
      const before = await loadCampaign(em, caller.companyId, id);
      const workflowOwnsIt = ['pending_approval', 'approved', 'scheduled'].includes(before.status);
      const { after, approvalRequired, warnings } = await em.transactional(async (tx) => {
        const { approvalRequired, warnings } = await updateCampaign(tx, caller, before, patch, expected);
        const after = await loadCampaign(tx, caller.companyId, id);
        const changes = diff(before, after);
        await audit(tx, c, { action: 'campaign.updated', entityType: 'campaign', entityId: id, ...changes });
        await publishEvents(tx, [{ companyId: caller.companyId, type: 'campaign.updated', payload: { campaignId: id, fields: Object.keys(changes.after), version: after.version } }]);
        return { after, approvalRequired, warnings };
      });
      if (workflowOwnsIt) {
        // The workflow has the last word (its validator refuses once sending started). It runs after the
        // commit: the workflow's own projection locks this row, so it cannot wait inside our transaction.
        const handle = campaignHandle(deps.temporal.client, id);
        try {
          const hash = approvalHash(after);
          if (hash !== approvalHash(before) || after.budget.amount !== before.budget.amount) {
            const message = patch.audience !== undefined && patch.content === undefined ? editAudienceUpdate : editContentUpdate;
            await runUpdate(() => handle.executeUpdate(message, { args: [{ editorId: caller.userId, contentHash: hash, approvalRequired }] }), before.status);
          }
          if (after.startAt !== before.startAt) {
            await runUpdate(() => handle.executeUpdate(rescheduleUpdate, { args: [{ actorId: caller.userId, startAt: after.startAt }] }), before.status);
          }
        } catch (err) {
          await em.transactional(async (tx) => {
            await restoreCampaign(tx, caller, before);
            await audit(tx, c, { action: 'campaign.update_reverted', entityType: 'campaign', entityId: id, ...diff(after, before) });
          });
          throw err;
        }
      }
      c.header('ETag', `"${after.version}"`);
      const state = await liveState(deps.temporal.client, after);
      return c.json({ ...after, status: state?.status ?? after.status, state, warnings }, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const em = c.get('em');
      const current = await loadCampaign(em, caller.companyId, id);
      await em.transactional(async (tx) => {
        await softDelete(tx, caller, current);
        await audit(tx, c, { action: 'campaign.deleted', entityType: 'campaign', entityId: id, before: { status: current.status, code: current.code } });
        await publishEvents(tx, [{ companyId: caller.companyId, type: 'campaign.deleted', payload: { campaignId: id } }]);
      });
      return c.body(null, 204);
    })
    .openapi(duplicate, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const em = c.get('em');
      const source = await loadCampaign(em, caller.companyId, id);
      const copy = await em.transactional(async (tx) => {
        const newId = await duplicateCampaign(tx, caller, source);
        await audit(tx, c, { action: 'campaign.duplicated', entityType: 'campaign', entityId: newId, after: { from: id } });
        return loadCampaign(tx, caller.companyId, newId);
      });
      c.header('ETag', `"${copy.version}"`);
      return c.json(copy, 201);
    });
}
