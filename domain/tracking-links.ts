/**
 * Which links of an e-mail are tracked, and what URL a click finally goes to. The renderer (which
 * rewrites the links) and the repository (which records them) both call `findTrackableLinks` on the
 * same template source, so link N of the rendered message is link N of the recorded set.
 */

export interface FoundLink {
  /** Offsets of the href value (without its quotes) in the source. */
  start: number;
  end: number;
  /** The URL a browser would follow: the value with HTML entities decoded. */
  url: string;
}

/** A message with more links than this keeps the rest untracked: the token's index stays small. */
export const MAX_TRACKED_LINKS = 500;
const MAX_URL_LENGTH = 2048;

const ANCHOR = /<a\b[^>]*?\shref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>/dgi;

/**
 * Absolute http(s) links in `<a href>`, in document order. Left alone: links whose URL is itself
 * personalised (`{{ … }}` or `{% … %}`, e.g. `{{ unsubscribe_url }}`: a per-recipient URL cannot be
 * one recorded URL per campaign), mailto:/tel:/anchors, and anchors marked `data-herald-notrack`.
 */
export function findTrackableLinks(html: string): FoundLink[] {
  const out: FoundLink[] = [];
  for (const m of html.matchAll(ANCHOR)) {
    if (out.length >= MAX_TRACKED_LINKS) break;
    const raw = m[2] ?? m[3] ?? '';
    if (/data-herald-notrack/i.test(m[0])) continue;
    if (raw.includes('{{') || raw.includes('{%')) continue;
    const url = decodeEntities(raw.trim());
    if (!/^https?:\/\/[^\s/?#]+/i.test(url) || url.length > MAX_URL_LENGTH || /[\s<>"]/.test(url)) continue;
    try {
      new URL(url);
    } catch {
      continue;
    }
    // The value starts after `href=` and its opening quote.
    const start = m.indices![1]![0] + 1;
    out.push({ start, end: start + raw.length, url });
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ent.toLowerCase()] ?? whole;
  });
}

export interface UtmSettings {
  /** false: links go out exactly as written. */
  enabled: boolean;
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

/** What a campaign gets when it has no settings of its own: source herald, medium the channel, campaign its code, content the variant. */
export function defaultUtm(campaign: { code: string; channel: string }, variant: string): UtmSettings {
  return { enabled: true, source: 'herald', medium: campaign.channel, campaign: campaign.code, ...(variant ? { content: variant } : {}) };
}

/**
 * Appends the UTM parameters the URL does not already carry (an explicit `utm_source` in the
 * content wins), before any fragment, leaving the rest of the URL byte for byte as written.
 */
export function appendUtm(url: string, utm: UtmSettings): string {
  if (!utm.enabled) return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const q = base.indexOf('?');
  const present = new Set(q === -1 ? [] : [...new URLSearchParams(base.slice(q + 1)).keys()]);
  const add: string[] = [];
  for (const key of ['source', 'medium', 'campaign', 'content', 'term'] as const) {
    const value = utm[key];
    if (value && !present.has(`utm_${key}`)) add.push(`utm_${key}=${encodeURIComponent(value)}`);
  }
  if (add.length === 0) return url;
  const sep = q === -1 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}${add.join('&')}${fragment}`;
}
