import { describe, expect, it } from 'vitest';
import { verifyToken } from '../domain/tracking-token.ts';
import { compileTrackedHtml, compileTrackedText, renderTrackedHtml, renderTrackedText } from './render.ts';

const SECRET = 'render-tracking-test-secret';
const ctx = { publicUrl: 'https://t.example', secret: SECRET, recipientId: 4242 };

describe('link rewriting at render time', () => {
  const source = '<html><body><p>Hi {{ contact.first_name }}</p><a href="https://shop.example/a?x=1&amp;y=2">A</a> <a href="{{ unsubscribe_url }}">unsub</a> <a href="https://shop.example/b">B</a></body></html>';
  const compiled = compileTrackedHtml(source);

  it('records the trackable links in order and personalises the rest as before', () => {
    expect(compiled.links).toEqual(['https://shop.example/a?x=1&y=2', 'https://shop.example/b']);
    const html = renderTrackedHtml(compiled, { contact: { first_name: 'Asha' }, unsubscribe_url: 'https://t.example/t/u/x' }, ctx);
    expect(html).toContain('Hi Asha');
    expect(html).toContain('href="https://t.example/t/u/x"');
    expect(html).not.toContain('shop.example');
  });

  it('gives each link a signed click token naming this message and the link index, and adds an open pixel', () => {
    const html = renderTrackedHtml(compiled, { contact: { first_name: 'A' }, unsubscribe_url: 'u' }, ctx);
    const clicks = [...html.matchAll(/href="https:\/\/t\.example\/t\/c\/([^"]+)"/g)].map((m) => verifyToken(SECRET, m[1]!));
    expect(clicks).toEqual([
      { kind: 'c', recipientId: 4242, link: 0 },
      { kind: 'c', recipientId: 4242, link: 1 },
    ]);
    const pixel = html.match(/<img src="https:\/\/t\.example\/t\/o\/([^"]+)"[^>]*>\s*<\/body>/);
    expect(pixel && verifyToken(SECRET, pixel[1]!)).toEqual({ kind: 'o', recipientId: 4242 });
  });

  it('appends the pixel to a fragment without </body>, or leaves it out when asked', () => {
    expect(renderTrackedHtml(compileTrackedHtml('<p>x</p>'), {}, ctx)).toMatch(/^<p>x<\/p><img src="https:\/\/t\.example\/t\/o\//);
    expect(renderTrackedHtml(compileTrackedHtml('<p>x</p>', { openPixel: false }), {}, ctx)).toBe('<p>x</p>');
  });
});

describe('links in the plain-text part', () => {
  const html = compileTrackedHtml('<p><a href="https://shop.example/a?x=1&amp;y=2">A</a> <a href="https://shop.example/b">B</a></p>');
  const render = (source: string, vars: Record<string, unknown> = {}) => renderTrackedText(compileTrackedText(source, html.links), html.links.length, vars, ctx);

  it('tracks a URL that is also an HTML link, with that link index, and keeps sentence punctuation', () => {
    const text = render('Shop now: https://shop.example/b. Or https://shop.example/a?x=1&y=2, today.');
    const tokens = [...text.matchAll(/https:\/\/t\.example\/t\/c\/([A-Za-z0-9_.-]+?)(?=[.,]\s|$)/g)].map((m) => verifyToken(SECRET, m[1]!));
    expect(tokens).toEqual([
      { kind: 'c', recipientId: 4242, link: 1 },
      { kind: 'c', recipientId: 4242, link: 0 },
    ]);
    expect(text).toMatch(/^Shop now: https:\/\/t\.example\/t\/c\/\S+\. Or https:\/\/t\.example\/t\/c\/\S+, today\.$/);
    expect(text).not.toContain('shop.example');
  });

  it('leaves a URL the HTML part does not record as written (the redirect never goes anywhere else)', () => {
    expect(render('Terms: https://legal.example/terms')).toBe('Terms: https://legal.example/terms');
  });

  it('does not touch URLs inside Liquid tags, and still personalises', () => {
    expect(render('Hi {{ contact.first_name }}: {{ "https://shop.example/b" | upcase }}', { contact: { first_name: 'Asha' } })).toBe('Hi Asha: HTTPS://SHOP.EXAMPLE/B');
  });
});
