/**
 * Public tracking endpoints (no login; the signed token in the path is the only credential):
 *   GET  /t/o/:token  open pixel: a 1×1 GIF, never cached; the open is recorded before the answer
 *   GET  /t/c/:token  click: 302 to the link recorded for that message, or a neutral page
 *   GET  /t/u/:token  unsubscribe confirmation page (mail scanners follow GETs: a GET changes nothing)
 *   POST /t/u/:token  unsubscribe, including RFC 8058 one-click (`List-Unsubscribe=One-Click`)
 *   GET|POST /t/p/:token  preference page: which channels the contact receives
 *
 * Limits, per API replica: the same open or link of one message counts at most REPEATS_PER_MINUTE
 * hits a minute (a script replaying a token cannot inflate totals or fill the event table; later
 * opens still get their image, later clicks a 429 page); the pages that read or write the database
 * (/u POST, /p) take PAGE_REQUESTS_PER_MINUTE per client address. Opens and clicks have no
 * per-address limit on purpose: mail providers' image proxies fetch for millions of people from a
 * handful of addresses.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { verifyToken, type TokenKind, type TokenPayload } from '../../domain/tracking-token.ts';
import { classifyAgent } from '../../domain/tracking-agents.ts';
import { loadPreferences, savePreferences } from '../../db/repositories/tracking-preferences.ts';
import type { Ingest } from './ingest.ts';
import { neutralPage, preferencesPage, tooManyRequestsPage, unavailablePage, unsubscribeConfirmPage, unsubscribedPage } from './pages.ts';
import { RepeatCounter, WindowLimiter } from '../rate-limit.ts';

export const REPEATS_PER_MINUTE = 20;
export const PAGE_REQUESTS_PER_MINUTE = 60;

// base64url("<kind>.<id>.<link>") + "." + base64url(16-byte HMAC)
const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{2,48}\.[A-Za-z0-9_-]{22}$/);

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_CACHE = { 'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0', pragma: 'no-cache', expires: '0' };

/** The client's address: the first X-Forwarded-For hop behind a proxy, else the socket's peer. */
export function clientIp(c: Context): string | undefined {
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded) return forwarded.split(',')[0]!.trim();
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export function trackingRoutes(deps: AppDeps, ingest: Ingest) {
  const secret = deps.config.trackingSecret;
  const token = (c: Context, kind: TokenKind): (TokenPayload & { raw: string }) | null => {
    const parsed = tokenSchema.safeParse(c.req.param('token'));
    if (!parsed.success) return null;
    const payload = verifyToken(secret, parsed.data);
    return payload && payload.kind === kind ? { ...payload, raw: parsed.data } : null;
  };
  const html = (c: Context, body: string, status: 200 | 404 | 503 = 200) => c.html(body, status, NO_CACHE);
  const gif = (c: Context, status: 200 | 503 = 200) => c.body(new Uint8Array(GIF), status, { 'content-type': 'image/gif', ...NO_CACHE });
  const repeats = new RepeatCounter(REPEATS_PER_MINUTE, 60_000);
  const pages = new WindowLimiter(PAGE_REQUESTS_PER_MINUTE, 60_000);
  /** The 429 page when the caller's address is over its page limit, else null (and counts the request). */
  const overPageLimit = (c: Context) => {
    const key = clientIp(c) ?? 'unknown';
    const wait = pages.retryAfter(key);
    if (wait === 0) {
      pages.hit(key);
      return null;
    }
    return c.html(tooManyRequestsPage(), 429, { ...NO_CACHE, 'retry-after': String(wait) });
  };

  return (
    new Hono()
      // POST only: the limit looks at the request body, which on a GET would cost a full Request object per hit.
      .post('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => html(c, neutralPage(), 404) }))
      .get('/o/:token', async (c) => {
        const t = token(c, 'o');
        // An invalid token still gets the image: a broken image icon in the message helps nobody.
        if (!t) return gif(c);
        // Past the limit the open has long been counted: answer the image, write nothing.
        if (!repeats.allow(`o:${t.recipientId}`)) return gif(c);
        const verdict = classifyAgent(c.req.header('user-agent'), clientIp(c));
        try {
          await ingest.hits.add({ kind: 'o', recipientId: t.recipientId, automated: verdict.automated, agent: verdict.agent, at: new Date() });
        } catch (err) {
          deps.log.error({ err }, 'open not recorded');
          return gif(c, 503);
        }
        return gif(c);
      })
      .get('/c/:token', async (c) => {
        const t = token(c, 'c');
        if (!t || t.link === undefined || !Number.isInteger(t.link)) return html(c, neutralPage(), 404);
        if (!repeats.allow(`c:${t.recipientId}:${t.link}`)) return c.html(tooManyRequestsPage(), 429, { ...NO_CACHE, 'retry-after': String(repeats.retryAfter()) });
        const verdict = classifyAgent(c.req.header('user-agent'), clientIp(c));
        let url: string | null;
        try {
          ({ url } = await ingest.hits.add({ kind: 'c', recipientId: t.recipientId, link: t.link, automated: verdict.automated, agent: verdict.agent, at: new Date() }));
        } catch (err) {
          deps.log.error({ err }, 'click not recorded');
          return html(c, unavailablePage(), 503);
        }
        if (!url) return html(c, neutralPage(), 404);
        return c.redirect(url, 302);
      })
      .get('/u/:token', (c) => {
        const t = token(c, 'u');
        return t ? html(c, unsubscribeConfirmPage(t.raw)) : html(c, neutralPage(), 404);
      })
      .post('/u/:token', async (c) => {
        const t = token(c, 'u');
        if (!t) return html(c, neutralPage(), 404);
        const limited = overPageLimit(c);
        if (limited) return limited;
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const oneClick = form['List-Unsubscribe'] === 'One-Click';
        try {
          await ingest.events.add({
            key: `u:${t.recipientId}`,
            source: oneClick ? 'one-click' : 'unsubscribe-page',
            type: 'unsubscribed',
            recipientId: t.recipientId,
            occurredAt: new Date(),
            onceOnly: false,
          });
        } catch (err) {
          deps.log.error({ err }, 'unsubscribe not recorded');
          return oneClick ? c.text('try again', 503) : html(c, unavailablePage(), 503);
        }
        return oneClick ? c.text('unsubscribed', 200, NO_CACHE) : html(c, unsubscribedPage(t.raw));
      })
      .get('/p/:token', async (c) => {
        const t = token(c, 'u');
        const limited = t && overPageLimit(c);
        if (limited) return limited;
        const prefs = t ? await loadPreferences(deps.orm.em.getKnex(), t.recipientId) : null;
        return t && prefs ? html(c, preferencesPage(t.raw, prefs.channels, false)) : html(c, neutralPage(), 404);
      })
      .post('/p/:token', async (c) => {
        const t = token(c, 'u');
        const limited = t && overPageLimit(c);
        if (limited) return limited;
        const prefs = t ? await loadPreferences(deps.orm.em.getKnex(), t.recipientId) : null;
        if (!t || !prefs) return html(c, neutralPage(), 404);
        const form = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
        const raw = form['channel'];
        const chosen = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string'));
        await savePreferences(deps.orm.em.fork(), prefs, chosen, new Date());
        const after = await loadPreferences(deps.orm.em.getKnex(), t.recipientId);
        return html(c, preferencesPage(t.raw, after?.channels ?? prefs.channels, true));
      })
  );
}
