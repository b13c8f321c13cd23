import { describe, expect, it } from 'vitest';
import { appendUtm, decodeEntities, defaultUtm, findTrackableLinks } from './tracking-links.ts';

describe('trackable links', () => {
  it('finds absolute http(s) links in order, with entities decoded and exact offsets', () => {
    const html = `<p><a title="https://a.example/" href="https://a.example/?x=1&amp;y=2">A</a> <a class='b' href='http://b.example/p'>B</a></p>`;
    const links = findTrackableLinks(html);
    expect(links.map((l) => l.url)).toEqual(['https://a.example/?x=1&y=2', 'http://b.example/p']);
    expect(html.slice(links[0]!.start, links[0]!.end)).toBe('https://a.example/?x=1&amp;y=2');
    expect(html.slice(links[1]!.start, links[1]!.end)).toBe('http://b.example/p');
  });

  it('leaves personalised, non-web, relative and opted-out links alone', () => {
    const html = [
      '<a href="{{ unsubscribe_url }}">u</a>',
      '<a href="https://shop.example/{{ contact.id }}">p</a>',
      '<a href="mailto:x@example.com">m</a>',
      '<a href="#top">t</a>',
      '<a href="/relative">r</a>',
      '<a data-herald-notrack href="https://keep.example/">k</a>',
      '<a href="javascript:alert(1)">j</a>',
      '<a href="https://ok.example/">ok</a>',
    ].join('');
    expect(findTrackableLinks(html).map((l) => l.url)).toEqual(['https://ok.example/']);
  });

  it('decodes numeric and named entities', () => {
    expect(decodeEntities('a&amp;b&#38;c&#x26;d&unknown;')).toBe('a&b&c&d&unknown;');
  });
});

describe('UTM parameters', () => {
  const utm = defaultUtm({ code: 'CMP-7', channel: 'email' }, 'B');

  it('appends the campaign defaults, keeping the URL as written and the fragment last', () => {
    expect(appendUtm('https://s.example/p?q=a+b#top', utm)).toBe('https://s.example/p?q=a+b&utm_source=herald&utm_medium=email&utm_campaign=CMP-7&utm_content=B#top');
    expect(appendUtm('https://s.example/', utm)).toBe('https://s.example/?utm_source=herald&utm_medium=email&utm_campaign=CMP-7&utm_content=B');
  });

  it('never overrides a UTM parameter the author wrote, and does nothing when disabled', () => {
    expect(appendUtm('https://s.example/?utm_source=news', { enabled: true, source: 'herald', campaign: 'c d' })).toBe('https://s.example/?utm_source=news&utm_campaign=c%20d');
    expect(appendUtm('https://s.example/', { enabled: false, source: 'herald' })).toBe('https://s.example/');
  });
});
