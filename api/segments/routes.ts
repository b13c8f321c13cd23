/** /api/segments: saved audiences (CRUD), the live preview of any rule tree, and the rule builder's field catalogue. */
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured } from '../openapi.ts';
import { previewAudience } from '../../db/repositories/segments.ts';
import { ValidationError } from '../../domain/errors.ts';
import { maskContact } from '../../domain/masking.ts';
import { can } from '../../domain/permissions.ts';
import { describeSegment } from '../../domain/segment-describe.ts';
import { segmentIssues } from '../../domain/segment-rules.ts';
import { ATTRIBUTE_KEY, ATTRIBUTE_PREFIX, describeCatalogue, OPERATORS_BY_TYPE, SEGMENT_LIMITS, SEGMENT_OPERATORS, type SegmentRule } from '../../domain/segment-types.ts';
import { FieldCatalogue, Preview, PreviewRequest, Segment, SegmentCreate, SegmentListQuery, SegmentPage, SegmentPatch } from './schemas.ts';
import { createSegment, deleteSegment, listSegments, loadSegment, saveCount, updateSegment } from './store.ts';

const tags = ['Segments'];

/** What the audit log keeps of a segment. */
const audited = (s: { name: string; description: string | null; type: string; rules: unknown }) => ({ name: s.name, description: s.description, type: s.type, rules: s.rules });

/** A count cancelled by its statement timeout is the rule's fault (too broad a pattern), not the server's. */
async function withinTimeout<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if ((err as { code?: string }).code === '57014') throw ValidationError.field('rules', 'these rules take too long to count; make them narrower', 'segment_too_slow');
    throw err;
  }
}

export function segmentRoutes(deps: AppDeps) {
  void deps;
  const fields = createRoute({
    method: 'get',
    path: '/fields',
    tags,
    summary: 'The contact fields and operators the rule builder can use',
    ...secured('read'),
    responses: { 200: json(FieldCatalogue, 'The catalogue'), ...errors() },
  });
  const preview = createRoute({
    method: 'post',
    path: '/preview',
    tags,
    summary: 'Exact audience count and a sample of contacts for a rule tree or a saved segment',
    ...secured('read'),
    request: { body: body(PreviewRequest) },
    responses: { 200: json(Preview, 'The audience'), ...errors(404) },
  });
  const list = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List segments: paginated, searched, filtered by type, campaign and last count',
    ...secured('read'),
    request: { query: SegmentListQuery },
    responses: { 200: json(SegmentPage, 'A page of segments'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Save a segment; invalid rules are named by path (rules.all[2].op)',
    ...secured('create'),
    request: { body: body(SegmentCreate) },
    responses: { 201: json(Segment, 'Created'), ...errors() },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'A segment with its rules in words and the campaigns using it',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(Segment, 'The segment'), ...errors(404) },
  });
  const update = createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: "Edit a segment; its rules cannot change while a campaign awaiting approval or sending uses it (409)",
    ...secured('update'),
    request: { params: IdParam, body: body(SegmentPatch) },
    responses: { 200: json(Segment, 'Saved'), ...errors(404, 409) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a segment no campaign past its draft uses (409 otherwise); drafts keep its rules',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(404, 409) },
  });

  return router()
    .openapi(fields, (c) =>
      c.json(
        {
          fields: describeCatalogue().map((f) => ({ ...f, operators: [...f.operators] })),
          attributes: {
            prefix: ATTRIBUTE_PREFIX,
            keyPattern: ATTRIBUTE_KEY.source,
            operators: [...SEGMENT_OPERATORS],
            description: 'Any custom attribute as attributes.<name>; its type follows the operator and the value',
          },
          operatorsByType: Object.fromEntries(Object.entries(OPERATORS_BY_TYPE).map(([k, v]) => [k, [...v]])),
          limits: { ...SEGMENT_LIMITS },
        },
        200,
      ),
    )
    .openapi(preview, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const em = c.get('em');
      if (input.segmentId !== undefined && input.rules !== undefined) throw ValidationError.field('rules', 'give either rules or a segmentId, not both');
      if (input.segmentId === undefined && input.rules === undefined) throw ValidationError.field('rules', 'give the rules to preview (null: every contact) or a segmentId');
      let rules: SegmentRule | null;
      if (input.segmentId !== undefined) {
        rules = (await loadSegment(em, caller.companyId, input.segmentId)).rules as SegmentRule | null;
      } else {
        rules = (input.rules ?? null) as SegmentRule | null;
      }
      const issues = rules === null ? [] : segmentIssues(rules, { path: 'rules' });
      if (issues.length) throw new ValidationError(issues, 'invalid_segment');
      const countedAt = new Date();
      const { count, sample } = await withinTimeout(() => previewAudience(em, caller.companyId, rules, input.sampleSize));
      // A cached figure for the list, not a change anyone made: not audited.
      if (input.segmentId !== undefined) await saveCount(em, caller.companyId, input.segmentId, count, countedAt);
      const masked = !can(caller.role, 'pii:read');
      return c.json(
        {
          count,
          summary: rules === null ? 'Every contact' : describeSegment(rules),
          sample: masked ? sample.map((s) => maskContact(s)) : sample,
          masked,
          countedAt: countedAt.toISOString(),
        },
        200,
      );
    })
    .openapi(list, async (c) => c.json(await listSegments(c.get('em'), c.get('caller').companyId, c.req.valid('query')), 200))
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const created = await c.get('em').transactional(async (tx) => {
        const id = await createSegment(tx, caller, input);
        const segment = await loadSegment(tx, caller.companyId, id);
        await audit(tx, c, { action: 'segment.created', entityType: 'segment', entityId: id, after: audited(segment) });
        return segment;
      });
      c.header('Location', `/api/segments/${created.id}`);
      return c.json(created, 201);
    })
    .openapi(get, async (c) => c.json(await loadSegment(c.get('em'), c.get('caller').companyId, c.req.valid('param').id), 200))
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const caller = c.get('caller');
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadSegment(tx, caller.companyId, id, true);
        await updateSegment(tx, caller, before, patch);
        const after = await loadSegment(tx, caller.companyId, id);
        await audit(tx, c, { action: 'segment.updated', entityType: 'segment', entityId: id, before: audited(before), after: audited(after) });
        return after;
      });
      return c.json(after, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        const before = await loadSegment(tx, caller.companyId, id, true);
        await deleteSegment(tx, caller, before);
        await audit(tx, c, { action: 'segment.deleted', entityType: 'segment', entityId: id, before: audited(before) });
      });
      return c.body(null, 204);
    });
}
