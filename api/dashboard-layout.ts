/**
 * GET/PUT /api/me/dashboard-layout: the caller's analytics dashboard layout, so it is the same on
 * every device. The schema bounds it (known widgets, each at most once, offered widths only); a user
 * who never saved one gets `widgets: null` and the console's default.
 */
import { createRoute } from '@hono/zod-openapi';
import { DASHBOARD_WIDGETS, DASHBOARD_WIDTHS } from '../domain/dashboard-layout.ts';
import { DashboardLayoutSchema } from '../db/entities/index.ts';
import { body, errors, json, router, secured, z } from './openapi.ts';

const Widget = z.object({
  id: z.enum(DASHBOARD_WIDGETS),
  w: z.union(DASHBOARD_WIDTHS.map((w) => z.literal(w)) as unknown as [z.ZodLiteral<4>, z.ZodLiteral<6>, z.ZodLiteral<8>, z.ZodLiteral<12>]).openapi({ type: 'integer', enum: [...DASHBOARD_WIDTHS], description: 'Width in twelfths of a row' }),
});
const LayoutInput = z
  .object({
    widgets: z
      .array(Widget)
      .max(DASHBOARD_WIDGETS.length)
      .refine((ws) => new Set(ws.map((w) => w.id)).size === ws.length, 'lists a widget more than once'),
  })
  .strict()
  .openapi('DashboardLayoutInput');
const LayoutOutput = z.object({ widgets: z.array(Widget).nullable(), updatedAt: z.string().nullable() }).openapi('DashboardLayout');

export function dashboardLayoutRoutes() {
  const get = createRoute({
    method: 'get',
    path: '/',
    tags: ['Auth'],
    summary: "The caller's analytics dashboard layout (null widgets: never saved, use the default)",
    ...secured('analytics:read'),
    responses: { 200: json(LayoutOutput, 'The layout'), ...errors() },
  });
  const put = createRoute({
    method: 'put',
    path: '/',
    tags: ['Auth'],
    summary: "Save the caller's analytics dashboard layout",
    ...secured('analytics:read'),
    request: { body: body(LayoutInput) },
    responses: { 200: json(LayoutOutput, 'The saved layout'), ...errors() },
  });
  return router()
    .openapi(get, async (c) => {
      const row = await c.get('em').findOne(DashboardLayoutSchema, { user: c.get('caller').userId });
      return c.json({ widgets: (row?.widgets as z.infer<typeof Widget>[] | undefined) ?? null, updatedAt: row?.updatedAt.toISOString() ?? null }, 200);
    })
    .openapi(put, async (c) => {
      const { widgets } = c.req.valid('json');
      const caller = c.get('caller');
      const em = c.get('em');
      const updatedAt = new Date();
      await em.upsert(DashboardLayoutSchema, { user: caller.userId, company: caller.companyId, widgets, updatedAt });
      return c.json({ widgets, updatedAt: updatedAt.toISOString() }, 200);
    });
}
