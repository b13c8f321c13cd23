/**
 * GET/PUT/DELETE /api/campaigns/{id}/tracking: the campaign's UTM parameters (issue 8: "UTM
 * parameters are appended per campaign settings") and the links recorded for click tracking.
 * Settings can change until the campaign's links are recorded at its first send: messages already
 * out point to those links, so they never change afterwards.
 */
import { createRoute } from '@hono/zod-openapi';
import { ConflictError } from '../../domain/errors.ts';
import { defaultUtm, type UtmSettings } from '../../domain/tracking-links.ts';
import { setCampaignUtm } from '../../db/repositories/tracking-links.ts';
import { sqlOf } from '../../db/sql.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { loadCampaign } from './store.ts';
import type { EntityManager } from '@mikro-orm/postgresql';

const Value = z.string().trim().min(1).max(100);
const Utm = z
  .strictObject({ enabled: z.boolean(), source: Value.optional(), medium: Value.optional(), campaign: Value.optional(), content: Value.optional(), term: Value.optional() })
  .openapi('UtmSettings');

const Tracking = z
  .object({
    utm: Utm,
    custom: z.boolean().openapi({ description: 'false: the defaults (source herald, medium the channel, campaign the code, content the variant)' }),
    editable: z.boolean().openapi({ description: 'false once the links are recorded at the first send' }),
    links: z.array(z.object({ variant: z.string(), index: z.number().int(), url: z.string() })).openapi({ description: 'Links recorded for click tracking, UTM applied' }),
  })
  .openapi('CampaignTracking');

async function view(em: EntityManager, companyId: string, id: string) {
  const campaign = await loadCampaign(em, companyId, id);
  const sql = sqlOf(em);
  const [settings, links] = await Promise.all([
    sql.raw<{ rows: { utm: UtmSettings }[] }>(`select utm from campaign_tracking where campaign_id = ? and company_id = ?`, [id, companyId]),
    sql.raw<{ rows: { variant: string; idx: number; url: string }[] }>(`select variant, idx, url from tracked_links where campaign_id = ? and company_id = ? order by variant, idx limit 500`, [id, companyId]),
  ]);
  const custom = settings.rows[0]?.utm;
  return {
    utm: custom ?? defaultUtm({ code: campaign.code, channel: campaign.channel }, ''),
    custom: custom !== undefined,
    editable: links.rows.length === 0,
    links: links.rows.map((l) => ({ variant: l.variant, index: l.idx, url: l.url })),
  };
}

export function campaignTrackingRoutes() {
  const tags = ['Campaigns'];
  const get = createRoute({ method: 'get', path: '/{id}/tracking', tags, summary: 'UTM settings and the links recorded for click tracking', ...secured('read'), request: { params: IdParam }, responses: { 200: json(Tracking, 'Tracking settings'), ...errors(404) } });
  const put = createRoute({ method: 'put', path: '/{id}/tracking', tags, summary: 'Set the UTM parameters appended to tracked links (before the first send)', ...secured('update'), request: { params: IdParam, body: body(Utm) }, responses: { 200: json(Tracking, 'Saved'), ...errors(404, 409) } });
  const reset = createRoute({ method: 'delete', path: '/{id}/tracking', tags, summary: 'Back to the default UTM parameters (before the first send)', ...secured('update'), request: { params: IdParam }, responses: { 200: json(Tracking, 'Defaults restored'), ...errors(404, 409) } });

  const change = async (em: EntityManager, companyId: string, id: string, utm: UtmSettings | null, c: Parameters<typeof audit>[1]) =>
    em.transactional(async (tx) => {
      const before = await view(tx, companyId, id);
      // Locks the campaign row: a send recording links at this moment waits, or we see its links.
      await sqlOf(tx).raw(`select 1 from campaigns where id = ? and company_id = ? for update`, [id, companyId]);
      const recorded = await sqlOf(tx).raw<{ rows: unknown[] }>(`select 1 from tracked_links where campaign_id = ? limit 1`, [id]);
      if (recorded.rows.length) throw new ConflictError('the links are recorded (the campaign has started sending): messages already out point to them, so UTM settings can no longer change', 'links_recorded');
      if (utm) await setCampaignUtm(sqlOf(tx), companyId, id, utm);
      else await sqlOf(tx).raw(`delete from campaign_tracking where campaign_id = ? and company_id = ?`, [id, companyId]);
      const after = await view(tx, companyId, id);
      await audit(tx, c, { action: 'campaign.tracking_changed', entityType: 'campaign', entityId: id, before: { utm: before.utm, custom: before.custom }, after: { utm: after.utm, custom: after.custom } });
      return after;
    });

  return router()
    .openapi(get, async (c) => c.json(await view(c.get('em'), c.get('caller').companyId, c.req.valid('param').id), 200))
    .openapi(put, async (c) => c.json(await change(c.get('em'), c.get('caller').companyId, c.req.valid('param').id, c.req.valid('json'), c), 200))
    .openapi(reset, async (c) => c.json(await change(c.get('em'), c.get('caller').companyId, c.req.valid('param').id, null, c), 200));
}
