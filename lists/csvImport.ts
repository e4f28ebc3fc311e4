import { CsvError, parse } from 'csv-parse/sync';
import { InvalidListInputError, ImportTooLargeError } from './errors.js';
import type { EntryToWrite } from './listStore.js';

// CSV import of list entries: a header row naming value, reason and expires_at (in any order),
// then one entry per row. Rows are checked one by one, so one bad row does not sink the import;
// a file that is not CSV at all, or has the wrong columns, is refused whole.

/** Rows per import; a larger file is split into several requests. */
export const MAX_IMPORT_ROWS = 10_000;
const COLUMNS = ['value', 'reason', 'expires_at'] as const;
/** A row longer than this is not a list entry (value ≤ 256, reason ≤ 500, a date). */
const MAX_RECORD_BYTES = 4096;

export type ImportRow =
  | { line: number; value: string | null; ok: true; entry: EntryToWrite }
  | { line: number; value: string | null; ok: false; errors: string[] };

/**
 * The rows of a CSV file, each checked by `check` (the list's kind, the expiry rules) and against
 * the rows before it (the same value twice is a mistake in the file, not a replacement).
 */
export function entryRows(
  text: string,
  check: (input: Record<string, string>) => { ok: true; entry: EntryToWrite } | { ok: false; errors: string[] },
): ImportRow[] {
  const records = parseCsv(text);
  const seen = new Map<string, number>();
  return records.map(({ record, line }): ImportRow => {
    const raw = typeof record.value === 'string' ? record.value.slice(0, 256) : null;
    const checked = check(record);
    if (!checked.ok) return { line, value: raw, ok: false, errors: checked.errors };
    const earlier = seen.get(checked.entry.value);
    if (earlier !== undefined) return { line, value: raw, ok: false, errors: [`value: ${checked.entry.value} is already on line ${earlier} of this file`] };
    seen.set(checked.entry.value, line);
    return { line, value: checked.entry.value, ok: true, entry: checked.entry };
  });
}

function parseCsv(text: string): { record: Record<string, string>; line: number }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: checkHeader,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: MAX_RECORD_BYTES,
      // One past the limit: enough to know the file is too large without reading all of it.
      to: MAX_IMPORT_ROWS + 1,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof InvalidListInputError) throw error;
    if (error instanceof CsvError) throw new InvalidListInputError([`CSV: ${error.message}`]);
    throw error;
  }
  if (records.length === 0) throw new InvalidListInputError(['CSV: the file has a header but no rows']);
  if (records.length > MAX_IMPORT_ROWS) throw new ImportTooLargeError(`an import holds at most ${MAX_IMPORT_ROWS} rows; split the file`);
  return records.map(({ record, info }) => ({ record, line: info.lines }));
}

function checkHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  const missing = COLUMNS.filter((c) => !names.includes(c));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const problems = [
    ...(unknown.length > 0 ? [`unknown column(s) ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
    ...(repeated.length > 0 ? [`repeated column(s) ${repeated.join(', ')}`] : []),
  ];
  if (problems.length > 0) throw new InvalidListInputError([`CSV header: ${problems.join('; ')}; the first row must name the columns value,reason,expires_at`]);
  return names;
}
