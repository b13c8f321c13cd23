/**
 * GET /api/events (Server-Sent Events) and GET /api/events/ws (WebSocket): the caller's company's
 * live events. Reconnect-safe: SSE's `Last-Event-ID` (or `?lastEventId=`, or the WebSocket's
 * first message) replays what was missed from the outbox before going live.
 */
import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { errors, router, secured, z } from '../openapi.ts';
import { resolveCaller } from '../auth/middleware.ts';
import { can } from '../../domain/permissions.ts';
import type { EventHub, HubEvent } from './hub.ts';

const KEEPALIVE_MS = 15_000;

const EventsQuery = z.object({
  lastEventId: z.coerce.number().int().min(0).optional().openapi({ description: 'Replay events after this id (EventSource sends the Last-Event-ID header instead)' }),
});

function lastSeen(header: string | undefined, query: number | undefined): number | null {
  const fromHeader = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
  return fromHeader ?? query ?? null;
}

export function eventRoutes(hub: EventHub) {
  const stream = createRoute({
    method: 'get',
    path: '/',
    tags: ['Live events'],
    summary: 'Server-Sent Events: campaign.created/updated/launched/status_changed/progress/performance_update and notifications of your company; contact.import_progress of your own imports',
    description: 'Each event has an `id` (except progress, which is recomputed every second); reconnect with `Last-Event-ID` to get what you missed.',
    ...secured('read'),
    request: { query: EventsQuery },
    responses: { 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errors() },
  });

  return router().openapi(stream, async (c) => {
    const caller = c.get('caller');
    const after = lastSeen(c.req.header('last-event-id'), c.req.valid('query').lastEventId);
    return streamSSE(c, async (s) => {
      const queue: HubEvent[] = [];
      let wake: (() => void) | null = null;
      const push = (e: HubEvent) => {
        queue.push(e);
        wake?.();
      };
      const unsubscribe = await hub.subscribe(caller.companyId, caller.userId, push);
      s.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      try {
        await s.writeSSE({ event: 'ready', data: JSON.stringify({ companyId: caller.companyId }) });
        let seen = after ?? 0;
        if (after !== null) for (const e of await hub.replay(caller.companyId, caller.userId, after)) queue.unshift(e);
        while (!s.aborted) {
          while (queue.length > 0) {
            const e = queue.shift()!;
            if (e.id !== undefined) {
              if (e.id <= seen) continue;
              seen = e.id;
            }
            await s.writeSSE({ event: e.type, data: JSON.stringify({ ...e.payload, at: e.at }), ...(e.id !== undefined ? { id: String(e.id) } : {}) });
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          wake = null;
          if (queue.length === 0 && !s.aborted) await s.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

/** The WebSocket twin. Browsers cannot set headers on a WebSocket: the first message authenticates, `{ "token", "lastEventId"? }`. */
export function eventSocketRoutes(deps: AppDeps, hub: EventHub) {
  return new Hono().get(
    '/',
    upgradeWebSocket(() => {
      let unsubscribe: (() => void) | null = null;
      let authed = false;
      return {
        onMessage: (msg, ws) => {
          if (authed) return;
          authed = true;
          void start(msg, ws);
        },
        onClose: () => unsubscribe?.(),
      };
      async function start(msg: { data: unknown }, ws: { send: (d: string) => void; close: (code?: number, reason?: string) => void }) {
        try {
          const { token, lastEventId } = JSON.parse(String(msg.data)) as { token?: string; lastEventId?: number };
          const caller = await resolveCaller(deps, token ?? '');
          if (!can(caller.role, 'read')) throw new Error('forbidden');
          let seen = typeof lastEventId === 'number' ? lastEventId : 0;
          const send = (e: HubEvent) => {
            if (e.id !== undefined) {
              if (e.id <= seen) return;
              seen = e.id;
            }
            ws.send(JSON.stringify({ id: e.id ?? null, type: e.type, ...e.payload, at: e.at }));
          };
          unsubscribe = await hub.subscribe(caller.companyId, caller.userId, send);
          ws.send(JSON.stringify({ type: 'ready', companyId: caller.companyId }));
          if (typeof lastEventId === 'number') for (const e of await hub.replay(caller.companyId, caller.userId, lastEventId)) send(e);
        } catch {
          ws.send(JSON.stringify({ type: 'error', error: { code: 'unauthenticated', message: 'send {"token": "<access token>"} as the first message' } }));
          ws.close(4401, 'unauthenticated');
        }
      }
    }),
  );
}
