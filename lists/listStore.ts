import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/observability/index.js';
import { EntryNotFoundError, InvalidListInputError, ListExistsError, ListFixedFieldError, ListInUseError, ListNotFoundError } from './errors.js';
import { normaliseValue, type EntityKind } from './kinds.js';
import { decodeListAudit, encodeListAudit, type ListAuditEntry } from './listAudit.js';
import { listKeys, type ListKeys } from './keys.js';
import { DELETE_LIST, PUT_ENTRIES, REMOVE_ENTRY, SWEEP_EXPIRED, WRITE_LIST } from './listScripts.js';
import {
  entryInputSchema, expiryProblem, listDefinitionSchema, listNameSchema, listUpdateSchema,
  type ListDefinition, type StoredEntry, type StoredList,
} from './schema.js';

export interface ListStoreOptions {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** The latest expiry an entry may have, in days from now (VIGIL_LIST_ENTRY_MAX_DAYS). */
  maxEntryDays: number;
  /** Rules and campaigns that name a list; a list in use is not deleted. */
  usedBy?: (name: string) => string[];
  now?: () => number;
  /** Audit records kept (approximately); default 1,000,000. */
  auditMaxEntries?: number;
  /** Change records kept for workers that fell behind (approximately); default 100,000. */
  changeMaxEntries?: number;
}

/** One valid entry, ready to write: value normalised for the list's kind. */
export interface EntryToWrite {
  value: string;
  reason: string;
  expiresAtMs: number;
}

export interface EntryPage {
  entries: StoredEntry[];
  /** Pass back as `cursor` for the next page; '0' when this was the last. */
  nextCursor: string;
}

type ScriptedRedis = Redis & {
  vigilWriteList(n: number, ...args: (string | number)[]): Promise<number>;
  vigilDeleteList(n: number, ...args: (string | number)[]): Promise<number>;
  vigilPutEntries(n: number, ...args: (string | number)[]): Promise<[number, number]>;
  vigilRemoveEntry(n: number, ...args: (string | number)[]): Promise<number>;
  vigilSweepExpired(n: number, ...args: (string | number)[]): Promise<number>;
};

/** Rows written per script call, so a large import never holds Redis for long. */
const WRITE_CHUNK = 1000;
const SWEEP_CHUNK = 1000;
const STREAM_PAGE = 500;
/** Change records are for processes following along; one an hour behind reloads in full instead. */
const CHANGE_RETENTION_MS = 3_600_000;

/**
 * Lists and their entries in Redis: definitions in one hash, entries in a hash per list with
 * their expiries in a sorted set, every change written by one script together with its audit
 * record and its change record (which the workers' copies follow; listRegistry.ts).
 */
export class ListStore {
  readonly keys: ListKeys;
  private readonly redis: ScriptedRedis;
  private readonly now: () => number;
  private readonly auditCap: number;
  private readonly changeCap: number;

  constructor(private readonly opts: ListStoreOptions) {
    this.keys = listKeys(opts.prefix);
    this.now = opts.now ?? Date.now;
    this.auditCap = opts.auditMaxEntries ?? 1_000_000;
    this.changeCap = opts.changeMaxEntries ?? 100_000;
    opts.redis.defineCommand('vigilWriteList', { lua: WRITE_LIST });
    opts.redis.defineCommand('vigilDeleteList', { lua: DELETE_LIST });
    opts.redis.defineCommand('vigilPutEntries', { lua: PUT_ENTRIES });
    opts.redis.defineCommand('vigilRemoveEntry', { lua: REMOVE_ENTRY });
    opts.redis.defineCommand('vigilSweepExpired', { lua: SWEEP_EXPIRED });
    this.redis = opts.redis as ScriptedRedis;
  }

  /** Every list's name and kind, as it is in Redis now (for checking rules and campaigns at publication). */
  async catalogue(): Promise<Map<string, EntityKind>> {
    return new Map((await this.lists()).map((s) => [s.definition.name, s.definition.kind]));
  }

  async lists(): Promise<StoredList[]> {
    const hash = await this.redis.hgetall(this.keys.definitions);
    return Object.values(hash).map((json) => JSON.parse(json) as StoredList)
      .sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
  }

  /** Entries held per list, expired ones not yet swept included. */
  async sizes(names: readonly string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hlen(this.keys.entries(name));
    const results = (await pipeline.exec()) ?? [];
    return new Map(names.map((name, i) => [name, Number(results[i]?.[1] ?? 0)]));
  }

  async get(name: string): Promise<StoredList> {
    const json = await this.redis.hget(this.keys.definitions, checkedName(name));
    if (json === null) throw new ListNotFoundError(name);
    return JSON.parse(json) as StoredList;
  }

  async create(input: unknown, actor: string): Promise<StoredList> {
    const definition = parsed(listDefinitionSchema, input);
    const at = this.isoNow();
    const stored: StoredList = { definition, createdAt: at, createdBy: actor, updatedAt: at, updatedBy: actor };
    const written = await this.script<number>('vigilWriteList', definition.name, { at, actor, action: 'list_created', list: definition.name }, 'create', JSON.stringify(stored));
    if (written === -1) throw new ListExistsError(definition.name);
    this.opts.log.info({ list: definition.name, actor }, 'list created');
    return stored;
  }

  /** Creates the lists that do not exist (the default pack's); those that do are left as they are. */
  async seed(definitions: readonly ListDefinition[], actor: string): Promise<string[]> {
    const created: string[] = [];
    for (const definition of definitions) {
      try {
        await this.create(definition, actor);
        created.push(definition.name);
      } catch (error) {
        if (!(error instanceof ListExistsError)) throw error;
      }
    }
    return created;
  }

  /** Changes the description; purpose and kind, when given, must be the stored ones. */
  async update(name: string, input: unknown, actor: string): Promise<StoredList> {
    const update = parsed(listUpdateSchema, input);
    const current = await this.get(name);
    for (const field of ['purpose', 'kind'] as const) {
      const asked = update[field];
      if (asked !== undefined && asked !== current.definition[field]) throw new ListFixedFieldError(name, field, current.definition[field], asked);
    }
    const at = this.isoNow();
    const stored: StoredList = { ...current, definition: { ...current.definition, description: update.description }, updatedAt: at, updatedBy: actor };
    const written = await this.script<number>('vigilWriteList', name, { at, actor, action: 'list_updated', list: name }, 'update', JSON.stringify(stored));
    if (written === -2) throw new ListNotFoundError(name);
    return stored;
  }

  /** Deletes a list no rule or campaign uses, with its entries; answers how many it held. */
  async delete(name: string, actor: string): Promise<number> {
    checkedName(name);
    const users = this.opts.usedBy?.(name) ?? [];
    if (users.length > 0) throw new ListInUseError(name, users);
    const held = await this.script<number>('vigilDeleteList', name, { at: this.isoNow(), actor, action: 'list_deleted', list: name });
    if (held === -1) throw new ListNotFoundError(name);
    this.opts.log.info({ list: name, actor, entries: held }, 'list deleted');
    return held;
  }

  /** A page of entries in no particular order (HSCAN): `limit` is a hint, as Redis gives it. */
  async entries(name: string, opts: { cursor?: string; limit?: number } = {}): Promise<EntryPage> {
    await this.get(name);
    const [nextCursor, flat] = await this.redis.hscan(this.keys.entries(name), opts.cursor ?? '0', 'COUNT', opts.limit ?? 100);
    const entries: StoredEntry[] = [];
    for (let i = 1; i < flat.length; i += 2) entries.push(JSON.parse(flat[i]!) as StoredEntry);
    return { entries, nextCursor };
  }

  /** One entry by value (normalised for the list's kind), or undefined. */
  async entry(name: string, rawValue: string): Promise<StoredEntry | undefined> {
    const list = await this.get(name);
    const value = normaliseValue(list.definition.kind, rawValue);
    if (!value.ok) throw new InvalidListInputError([`value: ${value.problem}`]);
    const json = await this.redis.hget(this.keys.entries(name), value.value);
    return json === null ? undefined : (JSON.parse(json) as StoredEntry);
  }

  /** Checks one entry against the list's kind and the expiry rules; the problems, or the entry to write. */
  checkEntry(kind: EntityKind, input: unknown): { ok: true; entry: EntryToWrite } | { ok: false; errors: string[] } {
    const result = entryInputSchema.safeParse(input);
    if (!result.success) return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`) };
    const value = normaliseValue(kind, result.data.value);
    const errors = [
      ...(value.ok ? [] : [`value: ${value.problem}`]),
      ...[expiryProblem(result.data.expires_at, this.now(), this.opts.maxEntryDays)].filter((p): p is string => p !== undefined).map((p) => `expires_at: ${p}`),
    ];
    if (!value.ok || errors.length > 0) return { ok: false, errors };
    return { ok: true, entry: { value: value.value, reason: result.data.reason, expiresAtMs: Date.parse(result.data.expires_at) } };
  }

  /** Adds one entry, or replaces it (reason, expiry) when the value is on the list already. */
  async addEntry(name: string, input: unknown, actor: string): Promise<{ entry: StoredEntry; created: boolean }> {
    const list = await this.get(name);
    const check = this.checkEntry(list.definition.kind, input);
    if (!check.ok) throw new InvalidListInputError(check.errors);
    const { entry } = check;
    const at = this.isoNow();
    const expiresAt = new Date(entry.expiresAtMs).toISOString();
    const stored: StoredEntry = { value: entry.value, reason: entry.reason, expiresAt, addedAt: at, addedBy: actor, source: 'api' };
    const [created] = await this.script('vigilPutEntries', name,
      { at, actor, action: 'entry_added', list: name, value: entry.value, reason: entry.reason, expiresAt },
      entry.value, JSON.stringify(stored), entry.expiresAtMs) as [number, number];
    if (created === -1) throw new ListNotFoundError(name);
    return { entry: stored, created: created === 1 };
  }

  /**
   * Writes checked entries in chunks, each chunk with its audit record under one import id (the
   * entries carry it as their source). Answers how many were created and how many replaced.
   */
  async putEntries(name: string, entries: readonly EntryToWrite[], actor: string, opts: { importId?: string } = {}): Promise<{ importId: string; created: number; replaced: number }> {
    await this.get(name);
    // An approved import is written under its approval id, so the entries and audit point to it.
    const importId = opts.importId ?? randomUUID();
    let created = 0;
    let replaced = 0;
    for (let start = 0; start < entries.length; start += WRITE_CHUNK) {
      const at = this.isoNow();
      const args = entries.slice(start, start + WRITE_CHUNK).flatMap((e) => {
        const stored: StoredEntry = {
          value: e.value, reason: e.reason, expiresAt: new Date(e.expiresAtMs).toISOString(), addedAt: at, addedBy: actor, source: `import:${importId}`,
        };
        return [e.value, JSON.stringify(stored), e.expiresAtMs];
      });
      const [c, r] = await this.script('vigilPutEntries', name, { at, actor, action: 'entries_imported', list: name, importId }, ...args) as [number, number];
      if (c === -1) throw new ListNotFoundError(name);
      created += c;
      replaced += r;
    }
    this.opts.log.info({ list: name, actor, importId, created, replaced }, 'list entries imported');
    return { importId, created, replaced };
  }

  async removeEntry(name: string, rawValue: string, actor: string): Promise<void> {
    const list = await this.get(name);
    const value = normaliseValue(list.definition.kind, rawValue);
    if (!value.ok) throw new InvalidListInputError([`value: ${value.problem}`]);
    const removed = await this.script<number>('vigilRemoveEntry', name, { at: this.isoNow(), actor, action: 'entry_removed', list: name, value: value.value }, value.value);
    if (removed === 0) throw new EntryNotFoundError(name, value.value);
  }

  /**
   * Removes the entries of every list whose expiry has passed, and change records older than
   * CHANGE_RETENTION_MS (a process that far behind loads the lists whole); answers how many entries.
   */
  async sweepExpired(): Promise<number> {
    await this.redis.xtrim(this.keys.changes, 'MINID', '~', Math.max(0, this.now() - CHANGE_RETENTION_MS));
    let removed = 0;
    for (const { definition } of await this.lists()) {
      for (;;) {
        const n = await this.script<number>('vigilSweepExpired', definition.name,
          { at: this.isoNow(), actor: 'system:expiry', action: 'entries_expired', list: definition.name }, this.now(), SWEEP_CHUNK);
        removed += n;
        if (n < SWEEP_CHUNK) break;
      }
    }
    return removed;
  }

  /** Audit records, newest first, of one list or all; `limit` default 50, at most 1,000. */
  async audit(opts: { list?: string; limit?: number } = {}): Promise<ListAuditEntry[]> {
    const limit = Math.min(Math.max(1, Math.trunc(opts.limit ?? 50)), 1000);
    const entries: ListAuditEntry[] = [];
    let end = '+';
    while (entries.length < limit) {
      const batch = await this.redis.xrevrange(this.keys.audit, end, '-', 'COUNT', STREAM_PAGE);
      for (const [, fields] of batch) {
        const entry = decodeListAudit(fields);
        if (!opts.list || entry.list === opts.list) entries.push(entry);
        if (entries.length === limit) break;
      }
      if (batch.length < STREAM_PAGE) break;
      end = `(${batch[batch.length - 1]![0]}`;
    }
    return entries;
  }

  /** The customer's entries on customer lists, by list (subject access). */
  async customerEntries(customerId: string): Promise<{ list: string; purpose: string; entry: StoredEntry }[]> {
    const customerLists = (await this.lists()).filter((s) => s.definition.kind === 'customer');
    const found = await Promise.all(customerLists.map(async ({ definition }) => {
      const json = await this.redis.hget(this.keys.entries(definition.name), customerId);
      return json === null ? [] : [{ list: definition.name, purpose: definition.purpose, entry: JSON.parse(json) as StoredEntry }];
    }));
    return found.flat();
  }

  /** The audit records that name the customer as an entry of a customer list (subject access). */
  async customerAuditRecords(customerId: string): Promise<ListAuditEntry[]> {
    const customerLists = new Set((await this.lists()).filter((s) => s.definition.kind === 'customer').map((s) => s.definition.name));
    const found: ListAuditEntry[] = [];
    await this.walk(this.keys.audit, (fields) => {
      const entry = decodeListAudit(fields);
      if (entry.value === customerId && customerLists.has(entry.list)) found.push(entry);
      return false;
    });
    return found;
  }

  /**
   * Erasure: the customer's entries leave every customer list (workers drop them with the next
   * poll), and the audit and change records naming them are deleted. The removal itself is
   * recorded as `entry_erased` without the value; the erasure audit (privacy/) says who erased whom.
   */
  async eraseCustomer(customerId: string): Promise<{ entries: number; auditRecords: number; changeRecords: number }> {
    const customerLists = new Set((await this.lists()).filter((s) => s.definition.kind === 'customer').map((s) => s.definition.name));
    if (customerLists.size === 0) return { entries: 0, auditRecords: 0, changeRecords: 0 };
    const naming = (pairs: readonly string[], keepOp?: string) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < pairs.length; i += 2) f.set(pairs[i]!, pairs[i + 1]!);
      return f.get('value') === customerId && customerLists.has(f.get('list') ?? '') && (keepOp === undefined || f.get('op') !== keepOp);
    };
    const auditRecords = await this.walk(this.keys.audit, (fields) => naming(fields));
    // Removal records are kept: they carry no reason, workers need them to drop the value, and
    // the sweep trims the change stream to its last hour (CHANGE_RETENTION_MS).
    const changeRecords = await this.walk(this.keys.changes, (fields) => naming(fields, 'del'));
    let entries = 0;
    for (const list of customerLists) {
      entries += await this.script<number>('vigilRemoveEntry', list, { at: this.isoNow(), actor: 'system:erasure', action: 'entry_erased', list }, customerId);
    }
    return { entries, auditRecords, changeRecords };
  }

  /** Walks a stream page by page; deletes the records `matches` selects and answers how many. */
  private async walk(stream: string, matches: (fields: string[]) => boolean): Promise<number> {
    let deleted = 0;
    let start = '-';
    for (;;) {
      const page = await this.redis.xrange(stream, start, '+', 'COUNT', STREAM_PAGE);
      const ids = page.filter(([, fields]) => matches(fields)).map(([id]) => id);
      if (ids.length > 0) deleted += await this.redis.xdel(stream, ...ids);
      if (page.length < STREAM_PAGE) return deleted;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  private script<R>(
    command: 'vigilWriteList' | 'vigilDeleteList' | 'vigilPutEntries' | 'vigilRemoveEntry' | 'vigilSweepExpired',
    list: string, audit: Parameters<typeof encodeListAudit>[0], ...rest: (string | number)[]
  ): Promise<R> {
    const k = this.keys;
    const keys = [k.definitions, k.entries(list), k.expiries(list), k.changes, k.revision, k.audit];
    const items = encodeListAudit(audit);
    return (this.redis[command] as (n: number, ...args: (string | number)[]) => Promise<R>)(
      keys.length, ...keys, list, this.auditCap, this.changeCap, items.length, ...items, ...rest,
    );
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}

function checkedName(name: string): string {
  const result = listNameSchema.safeParse(name);
  if (!result.success) throw new InvalidListInputError(result.error.issues.map((i) => `name: ${i.message}`));
  return name;
}

function parsed<T>(schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidListInputError(result.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`));
  return result.data;
}
