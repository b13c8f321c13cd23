/** /api/contacts: the CRM audience — CRUD, consent with its source, and CSV import. Personal fields masked without pii:read. */
import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { can } from '../../domain/permissions.ts';
import { Contact, ContactCreate, ContactListQuery, ContactPage, ContactPatch, ConsentUpdate, ImportReport } from './schemas.ts';
import { createContact, deleteContact, listContacts, loadContact, setConsent, updateContact, visibleTo } from './store.ts';
import { csvBytesOf, importContacts, IMPORT_MAX_BYTES, utf8, type ImportProgress } from './import.ts';
import { publishEvents } from '../../db/repositories/outbox.ts';

const tags = ['Contacts'];

/** What the audit log keeps: the whole contact (the audit log is read by admins only). */
const audited = ({ masked: _masked, createdAt: _c, updatedAt: _u, ...rest }: z.infer<typeof Contact>) => rest;

export function contactRoutes(deps: AppDeps) {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List contacts: paginated, searched over e-mail and name, by region, consent and unsubscribed',
    ...secured('read'),
    request: { query: ContactListQuery },
    responses: { 200: json(ContactPage, 'A page of contacts'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Create a contact (e-mail lower-cased, phone numbers in E.164)',
    ...secured('create'),
    request: { body: body(ContactCreate) },
    responses: { 201: json(Contact, 'Created'), ...errors() },
  });
  const importCsv = createRoute({
    method: 'post',
    path: '/import',
    tags,
    summary: `Import a CSV (up to ${IMPORT_MAX_BYTES / 1024 / 1024} MiB): upsert on e-mail, rejected rows reported by line, nothing imported on a fatal error`,
    description:
      'The first line names the columns: email (required), phone, whatsapp_number, push_token, first_name, last_name, region, time_zone, ' +
      'consent_<channel> (true/false) and attributes.<name>. Empty cells keep what is stored; attributes and consent are merged. ' +
      'Send the CSV as a text/csv body, or as the "file" field of a multipart form.',
    ...secured('create'),
    request: {
      headers: z.object({
        'x-import-id': z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_"')
          .optional()
          .openapi({ description: 'Names this import in its contact.import_progress events on GET /api/events (a random id when absent)' }),
      }),
      body: {
        required: true,
        content: {
          'text/csv': { schema: { type: 'string', example: 'email,first_name,region\nann@example.com,Ann,East\n' } },
          'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } },
        },
      },
    },
    responses: { 200: json(ImportReport, 'What was imported and which rows were rejected'), ...errors(413) },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'A contact with its consent per channel',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(Contact, 'The contact'), ...errors(404) },
  });
  const update = createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Edit a contact; attributes are merged (null removes one)',
    ...secured('update'),
    request: { params: IdParam, body: body(ContactPatch) },
    responses: { 200: json(Contact, 'Saved'), ...errors(404) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a contact (its suppressed addresses stay suppressed)',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(404) },
  });
  const consent = createRoute({
    method: 'post',
    path: '/{id}/consent',
    tags,
    summary: 'Record consent given or withdrawn for a channel, with where it came from',
    ...secured('update'),
    request: { params: IdParam, body: body(ConsentUpdate) },
    responses: { 200: json(Contact, 'The contact with its consent'), ...errors(404) },
  });

  return router()
    .openapi(list, async (c) => {
      const caller = c.get('caller');
      return c.json(await listContacts(c.get('em'), caller.companyId, c.req.valid('query'), can(caller.role, 'pii:read')), 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const created = await c.get('em').transactional(async (tx) => {
        const id = await createContact(tx, caller, input);
        const contact = await loadContact(tx, caller.companyId, id);
        await audit(tx, c, { action: 'contact.created', entityType: 'contact', entityId: id, after: audited(contact) });
        return contact;
      });
      c.header('Location', `/api/contacts/${created.id}`);
      return c.json(visibleTo(can(caller.role, 'pii:read'), created), 201);
    })
    .openapi(importCsv, async (c) => {
      const caller = c.get('caller');
      const importId = c.req.valid('header')['x-import-id'] ?? randomUUID();
      const bytes = await csvBytesOf(c.req.raw);
      // Progress goes to the importer's own event stream while the import's transaction is still
      // open, so it is written on another connection; at most two a second, then one when done.
      const progress = (p: ImportProgress & { done?: boolean }) =>
        publishEvents(deps.orm.em.getKnex(), [{ companyId: caller.companyId, userId: caller.userId, type: 'contact.import_progress', payload: { importId, ...p } }]).catch((err: unknown) =>
          deps.log.warn({ err, importId }, 'could not publish import progress'),
        );
      let lastSent = 0;
      const report = await c.get('em').transactional(async (tx) => {
        const report = await importContacts(tx, caller, utf8(bytes), new Date(), (p) => {
          if (Date.now() - lastSent < 500) return;
          lastSent = Date.now();
          void progress(p);
        });
        const { rejected: _listed, ...counts } = report;
        await audit(tx, c, { action: 'contact.imported', entityType: 'contact_import', entityId: importId, after: counts });
        return report;
      });
      const { rejected: _listed, ...counts } = report;
      await progress({ rows: counts.inserted + counts.updated + counts.rejectedCount, ...counts, done: true });
      return c.json(report, 200);
    })
    .openapi(get, async (c) => {
      const caller = c.get('caller');
      return c.json(visibleTo(can(caller.role, 'pii:read'), await loadContact(c.get('em'), caller.companyId, c.req.valid('param').id)), 200);
    })
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const caller = c.get('caller');
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadContact(tx, caller.companyId, id, true);
        await updateContact(tx, caller, before, patch);
        const after = await loadContact(tx, caller.companyId, id);
        await audit(tx, c, { action: 'contact.updated', entityType: 'contact', entityId: id, before: audited(before), after: audited(after) });
        return after;
      });
      return c.json(visibleTo(can(caller.role, 'pii:read'), after), 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        const before = await loadContact(tx, caller.companyId, id, true);
        await deleteContact(tx, caller, id);
        await audit(tx, c, { action: 'contact.deleted', entityType: 'contact', entityId: id, before: audited(before) });
      });
      return c.body(null, 204);
    })
    .openapi(consent, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadContact(tx, caller.companyId, id, true);
        await setConsent(tx, caller, id, input, new Date());
        const after = await loadContact(tx, caller.companyId, id);
        await audit(tx, c, {
          action: 'contact.consent_updated',
          entityType: 'contact',
          entityId: id,
          before: { channel: input.channel, consent: before.consent[input.channel] ?? null },
          after: { channel: input.channel, consent: after.consent[input.channel] ?? null },
        });
        return after;
      });
      return c.json(visibleTo(can(caller.role, 'pii:read'), after), 200);
    });
}
