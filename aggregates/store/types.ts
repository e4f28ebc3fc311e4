/** The narrow ClickHouse surface the rest of Vigil writes and reads through; chdb and a server both implement it. */
export interface AggregateStore {
  readonly kind: 'embedded' | 'server';
  readonly database: string;
  /** Statements with no result (DDL). */
  exec(sql: string): Promise<void>;
  /** SELECT with server-side {name:Type} parameters; returns the rows as objects (JSONEachRow; 64-bit ints as numbers). */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Inserts rows as JSONEachRow. With dedupToken, a retried insert of the same batch is a no-op (insert_deduplication_token). */
  insertRows(table: string, rows: readonly Record<string, unknown>[], opts?: { dedupToken?: string }): Promise<void>;
  /** True when the engine answers SELECT 1. Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ClickHouse error texts quote the rows they failed on; the message stays short so logs do not
// carry customer payloads, while `cause` keeps the full engine error for debugging.
const MAX_CAUSE_CHARS = 300;
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket hang up|Timeout error|timed out/i;

/** Any failure of the aggregate store, whichever transport; `context` names the statement that failed. */
export class AggregateStoreError extends Error {
  override readonly name = 'AggregateStoreError';
  readonly code = 'AGGREGATE_STORE';
  /** The first words of the failing statement (e.g. "INSERT INTO vigil.events") or the operation. */
  readonly context: string;
  /** The engine could not be reached (refused, reset, timed out), as opposed to a statement failing. */
  readonly unreachable: boolean;

  constructor(context: string, message: string, options?: { cause?: unknown; unreachable?: boolean }) {
    super(`${context}: ${message}`, options);
    this.context = context;
    this.unreachable = options?.unreachable ?? false;
  }

  /** Wraps a transport error, keeping it as `cause`; an AggregateStoreError passes through unchanged. */
  static wrap(context: string, error: unknown): AggregateStoreError {
    if (error instanceof AggregateStoreError) return error;
    const text = error instanceof Error ? error.message : String(error);
    const short = text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS)}…` : text;
    return new AggregateStoreError(context, short, { cause: error, unreachable: UNREACHABLE.test(text) });
  }
}

/** The first few words of a statement, enough to tell which one failed without echoing values. */
export function sqlContext(sql: string): string {
  const words = sql.replace(/--[^\n]*/g, ' ').trim().split(/\s+/).slice(0, 8).join(' ');
  return words.length > 100 ? `${words.slice(0, 100)}…` : words;
}
