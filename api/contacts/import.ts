/**
 * CSV import of contacts: the body is read as a stream, decoded, parsed and validated row by row,
 * and upserted on e-mail in chunks (`insert … on conflict (company_id, email) do update`), all in
 * the caller's one transaction, so a fatal error (a bad header, a body that is not UTF-8 or too
 * large, a database failure) leaves nothing behind. Rows that fail validation are skipped and
 * reported with their line number.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { HTTPException } from 'hono/http-exception';
import { CsvReader, type CsvRecord } from '../../domain/csv.ts';
import { ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import { csvColumns, csvRow, type CsvColumn, type ImportRow } from './fields.ts';

/** The import route's own body limit (the rest of /api stays at 1 MiB). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const CONTACT_IMPORT_PATH = '/api/contacts/import';
const CHUNK_ROWS = 500;
const LISTED_REJECTIONS = 1000;
const DECODE_SLICE = 64 * 1024;

export interface ImportReport {
  inserted: number;
  updated: number;
  rejected: { line: number; reason: string }[];
  rejectedCount: number;
}

const tooLarge = (max: number) => new HTTPException(413, { message: `the CSV exceeds ${Math.round(max / 1024 / 1024)} MiB; split it into smaller files` });

/** `body` with a byte count that fails the read once it passes `max`. */
function limited(body: ReadableStream<Uint8Array>, max: number): { stream: ReadableStream<Uint8Array>; exceeded: () => boolean } {
  let size = 0;
  let over = false;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > max) {
          over = true;
          controller.error(tooLarge(max));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream, exceeded: () => over };
}

/**
 * The CSV bytes of the request: a `text/csv` body as it streams in, or the `file` part of a
 * multipart form (the platform's form parser holds that part in memory, within the same limit).
 */
export async function csvBytesOf(req: Request, max = IMPORT_MAX_BYTES): Promise<ReadableStream<Uint8Array>> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > max) throw tooLarge(max);
  if (!req.body) throw ValidationError.field('body', 'send the CSV as the body (text/csv) or as the "file" field of a multipart form');
  if (/^(text\/csv|application\/csv|text\/plain)\b/.test(type)) return limited(req.body, max).stream;
  if (type.startsWith('multipart/form-data')) {
    const counted = limited(req.body, max);
    let form: FormData;
    try {
      form = await new Request(req.url, { method: 'POST', headers: req.headers, body: counted.stream, duplex: 'half' } as RequestInit).formData();
    } catch {
      if (counted.exceeded()) throw tooLarge(max);
      throw ValidationError.field('body', 'not a readable multipart form');
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') throw ValidationError.field('file', 'attach the CSV as the "file" field');
    return file.stream();
  }
  throw ValidationError.field('header.content-type', 'must be text/csv (the CSV as the body) or multipart/form-data (the CSV as the "file" field)');
}

/** UTF-8 text of `bytes`, piece by piece; bytes that are not UTF-8 are fatal. */
export async function* utf8(bytes: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw ValidationError.field('body', `the file is not UTF-8 text (near byte ${offset}); save it as CSV UTF-8 and import it again`, 'invalid_encoding');
    }
  };
  const reader = bytes.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A body buffered upstream arrives as one chunk: slices keep rows flowing to the database as they are parsed.
    for (let i = 0; i < value.byteLength; i += DECODE_SLICE) {
      yield decode(value.subarray(i, i + DECODE_SLICE));
      offset += Math.min(DECODE_SLICE, value.byteLength - i);
    }
  }
  yield decode();
}

const UPSERT = `
  insert into contacts (company_id, email, phone, whatsapp_number, push_token, first_name, last_name, region, time_zone, attributes, consent)
  select ?, r.email, r.phone, r.whatsapp_number, r.push_token, r.first_name, r.last_name, r.region, r.time_zone, r.attributes, r.consent
    from jsonb_to_recordset(?::jsonb) as r(email text, phone text, whatsapp_number text, push_token text, first_name text, last_name text,
                                           region text, time_zone text, attributes jsonb, consent jsonb)
  on conflict (company_id, email) do update set
    phone = coalesce(excluded.phone, contacts.phone),
    whatsapp_number = coalesce(excluded.whatsapp_number, contacts.whatsapp_number),
    push_token = coalesce(excluded.push_token, contacts.push_token),
    first_name = coalesce(excluded.first_name, contacts.first_name),
    last_name = coalesce(excluded.last_name, contacts.last_name),
    region = coalesce(excluded.region, contacts.region),
    time_zone = coalesce(excluded.time_zone, contacts.time_zone),
    attributes = contacts.attributes || excluded.attributes,
    consent = contacts.consent || excluded.consent,
    updated_at = now()
  returning (xmax = 0) as inserted`;

/** Imports the CSV text into the caller's company, inside `tx`'s transaction. */
/** Where an import is, after each chunk written: rows read so far (the header excluded) and their outcomes. */
export interface ImportProgress {
  rows: number;
  inserted: number;
  updated: number;
  rejectedCount: number;
}

export async function importContacts(
  tx: EntityManager,
  caller: Caller,
  text: AsyncIterable<string>,
  at = new Date(),
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportReport> {
  const report: ImportReport = { inserted: 0, updated: 0, rejected: [], rejectedCount: 0 };
  const reader = new CsvReader();
  const seen = new Map<string, number>();
  let columns: CsvColumn[] | null = null;
  let batch: ImportRow[] = [];
  const stamp = at.toISOString();

  const reject = (line: number, reason: string) => {
    report.rejectedCount += 1;
    if (report.rejected.length < LISTED_REJECTIONS) report.rejected.push({ line, reason });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const res = await sqlOf(tx).raw<{ rows: { inserted: boolean }[] }>(UPSERT, [caller.companyId, JSON.stringify(batch)]);
    for (const r of res.rows) {
      if (r.inserted) report.inserted += 1;
      else report.updated += 1;
    }
    batch = [];
    onProgress?.({ rows: report.inserted + report.updated + report.rejectedCount, inserted: report.inserted, updated: report.updated, rejectedCount: report.rejectedCount });
  };
  const take = async (records: CsvRecord[]) => {
    for (const record of records) {
      if (columns === null) {
        const header = csvColumns(record.fields);
        if (record.error) throw ValidationError.field('header', record.error, 'invalid_csv_header');
        if (header.issues.length) throw new ValidationError(header.issues, 'invalid_csv_header');
        columns = header.columns;
        continue;
      }
      if (record.error) {
        reject(record.line, record.error);
        continue;
      }
      const result = csvRow(columns, record.fields, stamp);
      if ('reason' in result) {
        reject(record.line, result.reason);
        continue;
      }
      const first = seen.get(result.row.email);
      if (first !== undefined) {
        reject(record.line, `email: ${result.row.email} is already on line ${first}`);
        continue;
      }
      seen.set(result.row.email, record.line);
      batch.push(result.row);
      if (batch.length >= CHUNK_ROWS) await flush();
    }
  };

  for await (const piece of text) await take(reader.push(piece));
  await take(reader.end());
  if (columns === null) throw ValidationError.field('body', 'the CSV is empty: its first line must name the columns, e.g. email,first_name,last_name');
  await flush();
  return report;
}
