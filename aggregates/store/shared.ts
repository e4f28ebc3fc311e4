// What both transports must do identically, so the same SQL and rows behave the same on chdb
// and on a ClickHouse server whatever that server's defaults are.

import { AggregateStoreError } from './types.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Database and table names are interpolated into DDL, so only plain identifiers are accepted. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new AggregateStoreError('open', `${what} ${JSON.stringify(name)} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`);
  }
  return name;
}

/** A bare table name lives in the store's database; a qualified one ("db.table") is left alone. */
export function qualifiedTable(database: string, table: string): string {
  return table.includes('.') ? table : `${database}.${table}`;
}

/** Results are parsed into JS numbers; counts and minor-unit sums stay far below 2^53. */
export const OUTPUT_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

/**
 * Settings on every insert. Synchronous, so a resolved insert means the rows are in a part (the
 * stream consumer acknowledges only after that). Dependent-view dedup, because skipping a retried
 * block in `events` does NOT stop the materialized view: on 26.7 the rollup was fed again unless
 * this is on and the rollup table has its own deduplication window. Older servers default it off.
 */
export function insertSettings(dedupToken: string | undefined) {
  return {
    async_insert: 0,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    ...(dedupToken === undefined ? {} : { insert_deduplication_token: dedupToken }),
  } as const;
}

/**
 * UTC 'YYYY-MM-DD hh:mm:ss.sss': the one DateTime64 text ClickHouse parses under both
 * date_time_input_format=basic and best_effort (ISO 'T…Z' fails under basic).
 */
export function toClickHouseDateTime64(time: Date | number): string {
  const date = typeof time === 'number' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid time for a DateTime64 value');
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Query parameters as both transports bind them alike: a Date becomes DateTime64(3) text
 * (declare such parameters as {name:DateTime64(3, 'UTC')}); chdb and @clickhouse/client would
 * otherwise format Dates differently.
 */
export function bindableParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    bound[name] = value instanceof Date ? toClickHouseDateTime64(value) : value;
  }
  return bound;
}

export function toJsonEachRow(rows: readonly Record<string, unknown>[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() !== '') rows.push(JSON.parse(line) as T);
  }
  return rows;
}
