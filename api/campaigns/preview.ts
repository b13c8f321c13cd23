/**
 * POST /api/campaigns/{id}/preview renders the content per channel for a contact (or a sample
 * one); POST /api/campaigns/{id}/test-send sends it to the caller's own address through the real
 * channel. Render errors are reported per field, never as a 500.
 */
import { createRoute } from '@hono/zod-openapi';
import { createChannels } from '../../channels/index.ts';
import { renderContent, templateVars, type RecipientFields } from '../../activities/render.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { can } from '../../domain/permissions.ts';
import { sqlOf } from '../../db/sql.ts';
import type { AppDeps } from '../deps.ts';
import { audit } from '../audit.ts';
import { WindowLimiter } from '../rate-limit.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { loadCampaign } from './store.ts';

const SAMPLE: RecipientFields = { first_name: 'Alex', last_name: 'Sample', email: 'alex.sample@example.com', phone: '+15555550123', attributes: { tier: 'gold', region: 'East' } };

const Rendered = z.object({ fields: z.record(z.string(), z.string()), errors: z.array(z.object({ field: z.string(), message: z.string() })) });
const PreviewResult = z
  .object({
    contact: z.object({ id: z.uuid().nullable(), name: z.string(), sample: z.boolean() }),
    variant: z.string().nullable(),
    channels: z.record(z.string(), Rendered).openapi({ description: 'Per channel: each rendered field, and the fields that failed to render with why' }),
  })
  .openapi('PreviewResult');

export function previewRoutes(deps: AppDeps) {
  const testSends = new WindowLimiter(10, 60_000);
  const preview = createRoute({
    method: 'post',
    path: '/{id}/preview',
    tags: ['Campaigns'],
    summary: 'Render the content per channel for a chosen contact (roles with pii:read) or a sample contact',
    ...secured('read'),
    request: { params: IdParam, body: body(z.strictObject({ contactId: z.uuid().optional(), variant: z.string().max(20).optional() })) },
    responses: { 200: json(PreviewResult, 'Rendered content'), ...errors(404) },
  });
  const testSend = createRoute({
    method: 'post',
    path: '/{id}/test-send',
    tags: ['Campaigns'],
    summary: "Send the e-mail content to my own address through the real channel (10 per minute)",
    ...secured('update'),
    request: { params: IdParam, body: body(z.strictObject({ variant: z.string().max(20).optional() })) },
    responses: { 200: json(z.object({ to: z.string(), providerId: z.string() }), 'Accepted by the provider'), ...errors(404, 429) },
  });

  const contentOf = (campaign: Awaited<ReturnType<typeof loadCampaign>>, variant: string | undefined) => {
    const base = campaign.content as Record<string, Record<string, unknown>>;
    if (!variant) return base;
    const v = (campaign.variants as { key: string; content?: Record<string, Record<string, unknown>> }[]).find((x) => x.key === variant);
    if (!v) throw ValidationError.field('variant', `no variant "${variant}" in this campaign`);
    return { ...base, ...(v.content ?? {}) };
  };

  return router()
    .openapi(preview, async (c) => {
      const { id } = c.req.valid('param');
      const { contactId, variant } = c.req.valid('json');
      const caller = c.get('caller');
      const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
      let contact = SAMPLE;
      let who = { id: null as string | null, name: 'Alex Sample', sample: true };
      if (contactId) {
        if (!can(caller.role, 'pii:read')) throw ValidationError.field('contactId', 'your role previews with a sample contact only (it may not see personal data)');
        const res = await sqlOf(c.get('em')).raw<{ rows: (RecipientFields & { id: string })[] }>(
          `select id, first_name, last_name, email, phone, attributes from contacts where id = ? and company_id = ?`,
          [contactId, caller.companyId],
        );
        const row = res.rows[0];
        if (!row) throw new NotFoundError('contact', contactId);
        contact = row;
        who = { id: row.id, name: [row.first_name, row.last_name].filter(Boolean).join(' ') || (row.email ?? row.id), sample: false };
      }
      const vars = templateVars(contact, campaign, `${deps.config.publicUrl}/t/u/preview`);
      const channels = Object.fromEntries(Object.entries(contentOf(campaign, variant)).map(([channel, content]) => [channel, renderContent(content, vars)]));
      return c.json({ contact: who, variant: variant ?? null, channels }, 200);
    })
    .openapi(testSend, async (c) => {
      const { id } = c.req.valid('param');
      const { variant } = c.req.valid('json');
      const caller = c.get('caller');
      testSends.take(caller.userId, 'at most 10 test sends a minute; wait a moment');
      const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
      const email = contentOf(campaign, variant).email;
      if (!email) throw ValidationError.field('content.email', 'this campaign has no e-mail content to test (test sends go to your e-mail address)');
      const [first, ...rest] = caller.name.split(' ');
      const vars = templateVars({ first_name: first ?? null, last_name: rest.join(' ') || null, email: caller.email, phone: null, attributes: {} }, campaign, `${deps.config.publicUrl}/t/u/test`);
      const rendered = renderContent(email, vars);
      if (rendered.errors.length) throw new ValidationError(rendered.errors.map((e) => ({ field: `content.email.${e.field}`, message: `does not render: ${e.message}` })));
      const sender = campaign.sender as { fromEmail?: string; fromName?: string; replyTo?: string };
      deps.channels ??= createChannels(deps.config);
      const result = await deps.channels.get('email').send({
        channel: 'email',
        idempotencyKey: `herald-test-${id}-${Date.now()}`,
        to: caller.email,
        subject: `[TEST] ${rendered.fields.subject ?? campaign.name}`,
        ...(rendered.fields.html !== undefined ? { html: rendered.fields.html } : {}),
        ...(rendered.fields.text !== undefined ? { text: rendered.fields.text } : {}),
        from: { address: sender.fromEmail ?? 'no-reply@herald.localhost', ...(sender.fromName ? { name: sender.fromName } : {}) },
        ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      });
      if (result.kind !== 'accepted') throw ValidationError.field('to', `the mail server refused the test message: ${result.message}`, 'test_send_refused');
      await audit(c.get('em'), c, { action: 'campaign.test_sent', entityType: 'campaign', entityId: id, after: { to: caller.email } });
      return c.json({ to: caller.email, providerId: result.providerId }, 200);
    });
}
