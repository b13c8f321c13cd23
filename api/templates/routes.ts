/** /api/templates: reusable campaign configurations (seed 001 CampaignTemplate), with seed 001's is_active and template_type filters. */
import { createRoute } from '@hono/zod-openapi';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured } from '../openapi.ts';
import { Template, TemplateCreate, TemplateListQuery, TemplatePage, TemplatePatch, type TemplateDto } from './schemas.ts';
import { createTemplate, deleteTemplate, listTemplates, loadTemplate, updateTemplate } from './store.ts';

const tags = ['Templates'];

const audited = ({ usedBy: _u, usageCount: _c, createdAt: _a, updatedAt: _b, id: _i, ...rest }: TemplateDto) => rest;

export function templateRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List templates: paginated, by is_active, template_type and channel, searched',
    ...secured('read'),
    request: { query: TemplateListQuery },
    responses: { 200: json(TemplatePage, 'A page of templates'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Create a template (a new default clears the previous default of its type and channel)',
    ...secured('create'),
    request: { body: body(TemplateCreate) },
    responses: { 201: json(Template, 'Created'), ...errors() },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'A template',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(Template, 'The template'), ...errors(404) },
  });
  const update = createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Edit a template',
    ...secured('update'),
    request: { params: IdParam, body: body(TemplatePatch) },
    responses: { 200: json(Template, 'Saved'), ...errors(404) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a template no campaign uses (409 otherwise: deactivate it instead)',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(404, 409) },
  });

  return router()
    .openapi(list, async (c) => c.json(await listTemplates(c.get('em'), c.get('caller').companyId, c.req.valid('query')), 200))
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const created = await c.get('em').transactional(async (tx) => {
        const { id, clearedDefaults } = await createTemplate(tx, caller, input);
        const template = await loadTemplate(tx, caller.companyId, id);
        await audit(tx, c, { action: 'template.created', entityType: 'template', entityId: id, after: { ...audited(template), ...(clearedDefaults.length ? { clearedDefaults } : {}) } });
        return template;
      });
      c.header('Location', `/api/templates/${created.id}`);
      return c.json(created, 201);
    })
    .openapi(get, async (c) => c.json(await loadTemplate(c.get('em'), c.get('caller').companyId, c.req.valid('param').id), 200))
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const caller = c.get('caller');
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadTemplate(tx, caller.companyId, id, true);
        const clearedDefaults = await updateTemplate(tx, caller, before, patch);
        const after = await loadTemplate(tx, caller.companyId, id);
        await audit(tx, c, {
          action: 'template.updated',
          entityType: 'template',
          entityId: id,
          before: audited(before),
          after: { ...audited(after), ...(clearedDefaults.length ? { clearedDefaults } : {}) },
        });
        return after;
      });
      return c.json(after, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        // The row lock also holds off a campaign linking the template meanwhile (its foreign key needs a key-share lock).
        const before = await loadTemplate(tx, caller.companyId, id, true);
        await deleteTemplate(tx, caller, before);
        await audit(tx, c, { action: 'template.deleted', entityType: 'template', entityId: id, before: audited(before) });
      });
      return c.body(null, 204);
    });
}
