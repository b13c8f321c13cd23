import { describe, expect, it } from 'vitest';
import { csvLine, CsvReader, neutraliseCell, parseCsv, toCsv } from './csv.ts';

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

describe('writing CSV for spreadsheets', () => {
  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const evil of ['=HYPERLINK("http://x.io","hi")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '-cmd|calc!A0']) {
      expect(neutraliseCell(evil)).toBe(`'${evil}`);
    }
    expect(neutraliseCell('Betteridge NY')).toBe('Betteridge NY');
    expect(neutraliseCell('a=b')).toBe('a=b');
  });

  it('writes figures, negative ones too, as numbers', () => {
    expect(neutraliseCell('-3000.00')).toBe('-3000.00');
    expect(neutraliseCell(-75)).toBe('-75');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(Number.NaN)).toBe('');
  });

  it('quotes what needs quoting and reads back to the neutralised values', () => {
    expect(csvLine(['a,b', 'say "hi"', '=1+1', 12.5])).toBe(`"a,b","say ""hi""",'=1+1,12.5`);
    const text = toCsv(['name', 'note'], [['Ann', 'line\nbreak'], ['=cmd', null]]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text).map((r) => r.fields)).toEqual([
      ['name', 'note'],
      ['Ann', 'line\nbreak'],
      ["'=cmd", ''],
    ]);
  });
});
