/**
 * An incremental RFC 4180 CSV reader: feed it text as it arrives, get back whole records with the
 * line each one starts on. Malformed quoting spoils only its own record (reported in `error`), so an
 * import can reject that row and go on; memory stays bounded because over-long fields and records
 * stop growing once they are known to be rejected.
 *
 * Accepted beyond the RFC: LF or lone CR line ends as well as CRLF, a leading byte-order mark, and
 * blank lines (skipped).
 */

export interface CsvRecord {
  /** 1-based line of the file the record starts on. */
  line: number;
  fields: string[];
  /** Why the record is malformed; its fields are then unreliable. */
  error?: string;
}

export interface CsvOptions {
  maxFieldLength?: number;
  maxFields?: number;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first half of `""`. */
  QuoteInQuoted,
}

export class CsvReader {
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private error: string | undefined;
  private line = 1;
  private recordLine = 1;
  private afterCr = false;
  private started = false;
  private readonly maxFieldLength: number;
  private readonly maxFields: number;

  constructor(options: CsvOptions = {}) {
    this.maxFieldLength = options.maxFieldLength ?? 10_000;
    this.maxFields = options.maxFields ?? 1_000;
  }

  /** The records completed by `text`. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        // The LF of a CRLF pair: the line (and, outside quotes, the record) already ended at the CR.
        if (ch === '\n') {
          if (this.state === State.Quoted) this.append(ch);
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          if (ch === '"') this.state = State.Quoted;
          else if (ch === ',') this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else {
            this.state = State.Unquoted;
            this.append(ch);
          }
          break;
        case State.Unquoted:
          if (ch === ',') this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else {
            if (ch === '"') this.fail('a quote (") inside an unquoted field: quote the whole field and double the quote');
            this.append(ch);
          }
          break;
        case State.Quoted:
          if (ch === '"') this.state = State.QuoteInQuoted;
          else {
            if (ch === '\n' || ch === '\r') this.newLine(ch);
            this.append(ch);
          }
          break;
        case State.QuoteInQuoted:
          if (ch === '"') {
            this.append('"');
            this.state = State.Quoted;
          } else if (ch === ',') this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch, out);
          else {
            this.fail('text after the closing quote of a field');
            this.state = State.Unquoted;
            this.append(ch);
          }
          break;
      }
    }
    return out;
  }

  /** The last record, if the text did not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === State.Quoted) this.fail('a quoted field is never closed');
    if (this.state !== State.FieldStart || this.fields.length > 0) this.emit(out);
    return out;
  }

  private append(ch: string): void {
    if (this.field.length < this.maxFieldLength) this.field += ch;
    else this.fail(`a field is longer than ${this.maxFieldLength} characters`);
  }

  private fail(reason: string): void {
    this.error ??= reason;
  }

  private endField(): void {
    if (this.fields.length < this.maxFields) this.fields.push(this.field);
    else this.fail(`a row has more than ${this.maxFields} fields`);
    this.field = '';
    this.state = State.FieldStart;
  }

  private newLine(ch: string): void {
    this.line += 1;
    if (ch === '\r') this.afterCr = true;
  }

  private endRecord(ch: string, out: CsvRecord[]): void {
    const blank = this.state === State.FieldStart && this.fields.length === 0;
    if (!blank) this.emit(out);
    this.newLine(ch);
    this.recordLine = this.line;
  }

  private emit(out: CsvRecord[]): void {
    this.endField();
    out.push({ line: this.recordLine, fields: this.fields, ...(this.error ? { error: this.error } : {}) });
    this.fields = [];
    this.error = undefined;
  }
}

/** Every record of a whole text. */
export function parseCsv(text: string, options?: CsvOptions): CsvRecord[] {
  const reader = new CsvReader(options);
  return [...reader.push(text), ...reader.end()];
}

/**
 * A cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading apostrophe (OWASP's advice for CSV injection). A plain decimal number
 * ("-3000.00") is no formula and is written as it is, so a loss stays a number in the sheet.
 */
export function neutraliseCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One RFC 4180 record: fields neutralised, then quoted where they hold a comma, quote or line break. */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values
    .map((v) => {
      const cell = neutraliseCell(v);
      return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    })
    .join(',');
}

/** A whole CSV document with a header row, CRLF line ends as RFC 4180 has them. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [csvLine(header), ...rows.map(csvLine)].join('\r\n') + '\r\n';
}
