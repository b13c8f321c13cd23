import { describe, expect, it } from 'vitest';
import { CsvReader, parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads plain, quoted and empty fields with their line numbers', () => {
    expect(parseCsv('a,b,c\n1,"two, 2",\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, 2', ''] },
    ]);
  });

  it('unescapes doubled quotes and keeps line breaks inside quotes, counting their lines', () => {
    const records = parseCsv('name,note\r\n"Ann ""A""","line 1\r\nline 2"\r\nBob,x\r\n');
    expect(records).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['Ann "A"', 'line 1\r\nline 2'] },
      { line: 4, fields: ['Bob', 'x'] },
    ]);
  });

  it('accepts LF, CRLF and lone CR, a last line without a break, a BOM, and skips blank lines', () => {
    expect(parseCsv('\uFEFFa\r\rb\n\nc\r\nd')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['b'] },
      { line: 5, fields: ['c'] },
      { line: 6, fields: ['d'] },
    ]);
  });

  it('keeps a row of empty fields (it has separators) apart from a blank line', () => {
    expect(parseCsv(',\n')).toEqual([{ line: 1, fields: ['', ''] }]);
    expect(parseCsv('""\n')).toEqual([{ line: 1, fields: [''] }]);
  });

  it('marks a malformed record and goes on with the next one', () => {
    const records = parseCsv('a,b"c\n"x"y,z\nok,1\n');
    expect(records[0]).toMatchObject({ line: 1, error: expect.stringMatching(/quote .* inside an unquoted field/) });
    expect(records[1]).toMatchObject({ line: 2, error: 'text after the closing quote of a field' });
    expect(records[2]).toEqual({ line: 3, fields: ['ok', '1'] });
  });

  it('reports a quoted field that is never closed', () => {
    expect(parseCsv('a\n"open,\nmore\n').at(-1)).toMatchObject({ line: 2, error: 'a quoted field is never closed' });
  });

  it('bounds field length and field count', () => {
    const [long] = parseCsv(`${'x'.repeat(20)}\n`, { maxFieldLength: 5 });
    expect(long).toMatchObject({ error: 'a field is longer than 5 characters', fields: ['xxxxx'] });
    const [wide] = parseCsv('1,2,3,4\n', { maxFields: 3 });
    expect(wide).toMatchObject({ error: 'a row has more than 3 fields', fields: ['1', '2', '3'] });
  });
});

describe('CsvReader', () => {
  it('gives the same records whatever the chunking, including CRLF and "" split across chunks', () => {
    const text = 'email,name\r\n"a@x.io","Ann ""Q"""\r\nb@x.io,"multi\r\nline"\r\nc@x.io,Cy';
    const whole = parseCsv(text);
    for (let size = 1; size <= 7; size++) {
      const reader = new CsvReader();
      const records = [];
      for (let i = 0; i < text.length; i += size) records.push(...reader.push(text.slice(i, i + size)));
      records.push(...reader.end());
      expect(records).toEqual(whole);
    }
    expect(whole.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });
});
