/**
 * Personalisation with liquidjs, set up so a template cannot run code or run away: no file system,
 * own properties only, strict variables and filters, and limits on parse and render work. Templates
 * are parsed once per campaign content and rendered per recipient.
 */
import { Liquid, type Template } from 'liquidjs';
import { findTrackableLinks } from '../domain/tracking-links.ts';
import { createToken } from '../domain/tracking-token.ts';

const engine = new Liquid({
  strictFilters: true,
  strictVariables: true,
  ownPropertyOnly: true,
  relativeReference: false,
  fs: {
    // No includes or layouts: a campaign template is self-contained.
    readFileSync: () => {
      throw new Error('includes are not allowed');
    },
    readFile: async () => {
      throw new Error('includes are not allowed');
    },
    existsSync: () => false,
    exists: async () => false,
    resolve: (_root, file) => file,
    contains: async () => false,
  },
  parseLimit: 200_000,
  renderLimit: 200,
  memoryLimit: 2_000_000,
});

/**
 * A parsed template, and for the common shape — text with `{{ a.b.c }}` outputs and nothing else —
 * the same template as literal text around variable paths. An SMS body or a subject is usually that
 * shape, and substituting it costs a fraction of liquidjs's render per recipient (which was ~6 % of
 * the worker's CPU at 10 000 SMS/s); a body with no output at all is one constant string.
 */
export interface CompiledTemplate {
  liquid: Template[];
  plain?: { text: string[]; paths: string[][] };
}

// Only spaces inside the braces and dotted identifiers: `{{- x }}`, filters, brackets and tags are
// left to liquidjs. size/first/last are liquidjs's computed properties, so they are too.
const PLAIN_OUTPUT = /{{ *([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*) *}}/g;
const COMPUTED = new Set(['size', 'first', 'last']);

function plainForm(source: string): CompiledTemplate['plain'] {
  const text: string[] = [];
  const paths: string[][] = [];
  let at = 0;
  for (const m of source.matchAll(PLAIN_OUTPUT)) {
    text.push(source.slice(at, m.index));
    paths.push(m[1]!.split('.'));
    at = m.index + m[0].length;
  }
  text.push(source.slice(at));
  if (text.some((t) => t.includes('{{') || t.includes('{%'))) return undefined;
  if (paths.some((p) => p.some((k) => COMPUTED.has(k)))) return undefined;
  return { text, paths };
}

export function compileTemplate(source: string): CompiledTemplate {
  const liquid = engine.parse(source);
  const plain = plainForm(source);
  return plain ? { liquid, plain } : { liquid };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A path's value as liquidjs would print it, or undefined when the substitution cannot say: a
 * missing key (liquidjs's strict-variables error), a non-plain object on the way, or a value that
 * is not a string, number, boolean or null. Then the whole template goes through liquidjs.
 */
function plainValue(vars: Record<string, unknown>, path: string[]): string | undefined {
  let v: unknown = vars;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !hasOwn.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  if (typeof v === 'string') return v;
  if (v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function renderTemplate(template: CompiledTemplate, vars: Record<string, unknown>): string {
  const plain = template.plain;
  if (plain) {
    let out = plain.text[0]!;
    let i = 0;
    for (; i < plain.paths.length; i++) {
      const v = plainValue(vars, plain.paths[i]!);
      if (v === undefined) break;
      out += v + plain.text[i + 1]!;
    }
    if (i === plain.paths.length) return out;
  }
  return engine.renderSync(template.liquid, vars) as string;
}

export interface RecipientFields {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown> | null;
}

/** What a template can use: `contact.*` (attributes first, named fields win), `campaign.*`, `unsubscribe_url`. */
export function templateVars(contact: RecipientFields, campaign: { name: string; code: string }, unsubscribeUrl: string): Record<string, unknown> {
  return {
    contact: { ...contact.attributes, first_name: contact.first_name, last_name: contact.last_name, email: contact.email, phone: contact.phone },
    campaign: { name: campaign.name, code: campaign.code },
    unsubscribe_url: unsubscribeUrl,
  };
}

/** Each field of one channel's content rendered, or the field's render error (a preview shows both). */
export function renderContent(
  content: Record<string, unknown> | undefined,
  vars: Record<string, unknown>,
): { fields: Record<string, string>; errors: { field: string; message: string }[] } {
  const fields: Record<string, string> = {};
  const errors: { field: string; message: string }[] = [];
  for (const [field, source] of Object.entries(content ?? {})) {
    if (typeof source !== 'string') continue;
    try {
      fields[field] = renderTemplate(compileTemplate(source), vars);
    } catch (err) {
      errors.push({ field, message: (err as Error).message.split('\n')[0]!.slice(0, 300) });
    }
  }
  return { fields, errors };
}

/**
 * An HTML template whose links are tracked: each trackable `href` (domain/tracking-links.ts) is
 * replaced at compile time by a placeholder that renders as that recipient's `/t/c/<token>` URL,
 * and an open pixel goes before `</body>`. `links` is the set the campaign records
 * (db/repositories/tracking-links.ts), in the order of the tokens' link indexes.
 */
export interface TrackedHtml {
  template: CompiledTemplate;
  links: string[];
}

export interface TrackingContext {
  /** Where /t/* is served, without a trailing slash. */
  publicUrl: string;
  secret: string;
  /** campaign_recipients.id of the message being rendered. */
  recipientId: number;
}

const PIXEL = '<img src="{{ herald_open_url }}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">';

export function compileTrackedHtml(source: string, opts: { openPixel?: boolean } = {}): TrackedHtml {
  const found = findTrackableLinks(source);
  let out = '';
  let at = 0;
  found.forEach((link, i) => {
    out += `${source.slice(at, link.start)}{{ herald_links[${i}] }}`;
    at = link.end;
  });
  out += source.slice(at);
  if (opts.openPixel !== false) {
    const close = out.toLowerCase().lastIndexOf('</body>');
    out = close === -1 ? out + PIXEL : out.slice(0, close) + PIXEL + out.slice(close);
  }
  return { template: compileTemplate(out), links: found.map((l) => l.url) };
}

const clickUrls = (count: number, t: TrackingContext) =>
  Array.from({ length: count }, (_, i) => `${t.publicUrl}/t/c/${createToken(t.secret, { kind: 'c', recipientId: t.recipientId, link: i })}`);

export function renderTrackedHtml(html: TrackedHtml, vars: Record<string, unknown>, t: TrackingContext): string {
  const links = clickUrls(html.links.length, t);
  const open = `${t.publicUrl}/t/o/${createToken(t.secret, { kind: 'o', recipientId: t.recipientId })}`;
  return renderTemplate(html.template, { ...vars, herald_links: links, herald_open_url: open });
}

// Liquid tags are left alone: a URL built by a tag is not one the campaign recorded.
const LIQUID_TAG = /({{[\s\S]*?}}|{%[\s\S]*?%})/;
const TEXT_URL = /https?:\/\/[^\s<>"'\])]+/g;

/**
 * The plain-text part with its links tracked: a URL in the text that is also a link of the HTML
 * part (the links the campaign records) becomes that link's `/t/c/<token>` URL, with the same link
 * index, so a click in either part counts once per link. Any other URL stays as written — the
 * redirect only ever goes where the HTML part records. Sentence punctuation after a URL is kept out.
 */
export function compileTrackedText(source: string, htmlLinks: string[]): CompiledTemplate {
  const index = new Map<string, number>();
  htmlLinks.forEach((u, i) => {
    if (!index.has(u)) index.set(u, i);
  });
  const out = source
    .split(LIQUID_TAG)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(TEXT_URL, (raw) => {
            const url = raw.replace(/[.,;:!?]+$/, '');
            const at = index.get(url);
            return at === undefined ? raw : `{{ herald_links[${at}] }}${raw.slice(url.length)}`;
          }),
    )
    .join('');
  return compileTemplate(out);
}

export function renderTrackedText(text: CompiledTemplate, linkCount: number, vars: Record<string, unknown>, t: TrackingContext): string {
  return renderTemplate(text, { ...vars, herald_links: clickUrls(linkCount, t) });
}
