import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  AlertNotFoundError, IllegalTransitionError, InvalidAlertError, InvalidTransitionError, TransitionConflictError,
} from './errors.js';
import { alertIdFor } from './identity.js';
import { alertKeys, type AlertKeys } from './keys.js';
import { applyTransition, escalateOverdue } from './lifecycle.js';
import type { AlertMetrics } from './metrics.js';
import { scanIndex } from './paging.js';
import {
  ALERT_STATUSES, inQueue, matchesFilter, newAlertSchema, withOverdue,
  type Alert, type AlertFilter, type AlertTransition, type NewAlert, type StoredAlert, type TransitionRequest,
} from './schema.js';
import { deleteStreamEntries, fieldsOf } from '../core/streams/index.js';
import { ERASE_ALERT, RAISE_ALERTS, SWEEP_ALERT, TRANSITION_ALERT } from './scripts.js';

export interface AlertStoreOptions {
  prefix: string;
  /** Resolved alerts leave Redis this long after resolution (ClickHouse keeps them); default 180 days. */
  resolvedRetentionSeconds?: number;
  /** Outbox entries kept at most (approximately); consumers further behind lose the oldest. Default 100k. */
  outboxMaxEntries?: number;
  now?: () => number;
  metrics?: AlertMetrics;
}

type ScriptedRedis = Redis & {
  vigilRaiseAlerts(numKeys: number, ...args: (string | number)[]): Promise<string[]>;
  vigilTransitionAlert(numKeys: number, ...args: (string | number)[]): Promise<string | null>;
  vigilSweepAlert(numKeys: number, ...args: (string | number)[]): Promise<number>;
  vigilEraseAlert(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** The actor recorded for alerts the engine raises itself. */
export const SYSTEM_ACTOR = 'vigil';
// One script call holds Redis for its whole batch; a few hundred alerts is well under a millisecond.
const RAISE_CHUNK = 200;
// Concurrent transitions of one alert retry their compare-and-set; beyond this the caller gets a 409.
const MAX_CAS_ATTEMPTS = 20;

/**
 * Alerts in Redis: the document (with its full history) per id, createdAt-scored indexes for
 * listing, and an outbox stream written in the same script as every change.
 */
export class AlertStore {
  readonly keys: AlertKeys;
  private readonly redis: ScriptedRedis;
  private readonly now: () => number;
  private readonly retentionSeconds: number;
  private readonly outboxCap: number;
  private readonly metrics: AlertMetrics | undefined;

  constructor(redis: Redis, opts: AlertStoreOptions) {
    this.keys = alertKeys(opts.prefix);
    this.now = opts.now ?? Date.now;
    this.retentionSeconds = opts.resolvedRetentionSeconds ?? 180 * 86_400;
    this.outboxCap = opts.outboxMaxEntries ?? 100_000;
    this.metrics = opts.metrics;
    redis.defineCommand('vigilRaiseAlerts', { lua: RAISE_ALERTS });
    redis.defineCommand('vigilTransitionAlert', { lua: TRANSITION_ALERT });
    redis.defineCommand('vigilSweepAlert', { lua: SWEEP_ALERT });
    redis.defineCommand('vigilEraseAlert', { lua: ERASE_ALERT });
    this.redis = redis as ScriptedRedis;
  }

  /** Creates the alerts not raised before (by dedup key) and answers only those, in input order. */
  async raise(alerts: readonly NewAlert[]): Promise<Alert[]> {
    const at = new Date(this.now()).toISOString();
    const docs = alerts.map((input) => this.newDocument(input, at));
    const created = new Set<string>();
    for (let i = 0; i < docs.length; i += RAISE_CHUNK) {
      const chunk = docs.slice(i, i + RAISE_CHUNK);
      const keys = [this.keys.byCreated, `${this.keys.byStatusPrefix}open`, this.keys.outbox, this.keys.dueAt];
      const args: (string | number)[] = [this.keys.feedChannel, this.outboxCap];
      for (const doc of chunk) {
        keys.push(this.keys.docPrefix + doc.id, this.keys.byCustomerPrefix + doc.customerId);
        args.push(doc.id, JSON.stringify(doc), Date.parse(doc.createdAt), doc.dueAt === undefined ? '' : Date.parse(doc.dueAt));
      }
      for (const id of await this.redis.vigilRaiseAlerts(keys.length, ...keys, ...args)) created.add(id);
    }
    const nowMs = this.now();
    // A batch may name one dedup key twice; the script created it once, report it once.
    return docs.filter((doc) => created.delete(doc.id)).map((doc) => withOverdue(doc, nowMs));
  }

  async get(id: string): Promise<Alert | undefined> {
    const raw = await this.redis.get(this.keys.docPrefix + id);
    return raw === null ? undefined : withOverdue(JSON.parse(raw) as StoredAlert, this.now());
  }

  /** Newest first. The narrowest index is read (customer, else status, else all); other filters apply while paging. */
  async list(filter: AlertFilter): Promise<{ alerts: Alert[]; nextCursor: string | null }> {
    const index = filter.customerId
      ? this.keys.byCustomerPrefix + filter.customerId
      : filter.status ? this.keys.byStatusPrefix + filter.status : this.keys.byCreated;
    const nowMs = this.now();
    const page = await scanIndex<Alert>(this.redis, {
      index,
      minScore: filter.from === undefined ? undefined : Date.parse(filter.from),
      maxScore: filter.to === undefined ? undefined : Date.parse(filter.to),
      cursor: filter.cursor,
      limit: filter.limit,
      maxScan: Math.max(1000, filter.limit * 20),
      load: async (ids) => {
        const raws = await this.redis.mget(ids.map((id) => this.keys.docPrefix + id));
        return raws.map((raw) => (raw === null ? undefined : withOverdue(JSON.parse(raw) as StoredAlert, nowMs)));
      },
      accept: (alert) => matchesFilter(alert, filter),
    });
    return { alerts: page.items, nextCursor: page.nextCursor ?? null };
  }

  /** Every alert the filter admits, newest first, read page by page: for tools that compare whole records. */
  async listAll(filter: Omit<AlertFilter, 'limit' | 'cursor'> = {}): Promise<Alert[]> {
    const alerts: Alert[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
      alerts.push(...page.alerts);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return alerts;
  }

  /**
   * Whether the customer has an unresolved alert of this type in the queue (advisory, low alerts
   * do not count) among their most recent ones: a customer under fraud review gets no marketing.
   * Reads the customer's index newest first.
   */
  async hasUnresolved(customerId: string, type: StoredAlert['type'], scan = 200): Promise<boolean> {
    const ids = await this.redis.zrevrange(this.keys.byCustomerPrefix + customerId, 0, scan - 1);
    if (ids.length === 0) return false;
    const raws = await this.redis.mget(ids.map((id) => this.keys.docPrefix + id));
    return raws.some((raw) => {
      if (raw === null) return false;
      const alert = JSON.parse(raw) as StoredAlert;
      return alert.type === type && alert.status !== 'resolved' && inQueue(alert.severity);
    });
  }

  /**
   * Applies an officer's transition with compare-and-set: read, apply the pure lifecycle, write
   * only if unchanged; on a race re-read and re-apply, so concurrent transitions all land in
   * history in some order, or are refused against the state the winner left.
   */
  async transition(id: string, request: TransitionRequest, actor: string): Promise<{ alert: Alert; transition: AlertTransition }> {
    return this.changeAtomically(id, (current, nowIso) => applyTransition(current, request, actor, nowIso), request.action);
  }

  /**
   * Escalates the open alerts whose deadline has passed (the worker's sweep calls it on a clock):
   * read from the due index, never a scan. Each is escalated once whichever process sweeps
   * (compare-and-set, and the escalation leaves the index); answers how many were.
   */
  async escalateOverdue(batch = 200): Promise<number> {
    const nowMs = this.now();
    const ids = await this.redis.zrangebyscore(this.keys.dueAt, '-inf', nowMs, 'LIMIT', 0, batch);
    let escalated = 0;
    for (const id of ids) {
      try {
        await this.changeAtomically(id, (current, nowIso) => escalateOverdue(current, SYSTEM_ACTOR, nowIso), 'escalate');
        escalated++;
      } catch (err) {
        // Gone, resolved or escalated by another process meanwhile: nothing left to do for it.
        if (!(err instanceof AlertNotFoundError || err instanceof IllegalTransitionError)) throw err;
        await this.redis.zrem(this.keys.dueAt, id);
      }
    }
    return escalated;
  }

  /**
   * Compare-and-set of one alert: read, apply the pure change, write only if unchanged; on a race
   * re-read and re-apply, so concurrent changes all land in history in some order, or are refused
   * against the state the winner left. Indexes (status, resolution, deadline) follow the new state.
   */
  private async changeAtomically(
    id: string, change: (current: StoredAlert, nowIso: string) => ReturnType<typeof applyTransition>, action: string,
  ): Promise<{ alert: Alert; transition: AlertTransition }> {
    const docKey = this.keys.docPrefix + id;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(docKey);
      if (raw === null) throw new AlertNotFoundError(id);
      const current = JSON.parse(raw) as StoredAlert;
      const nowMs = this.now();
      const outcome = change(current, new Date(nowMs).toISOString());
      if (!outcome.ok) {
        throw outcome.error.kind === 'illegal' ? new IllegalTransitionError(outcome.error.message) : new InvalidTransitionError(outcome.error.message);
      }
      const next = outcome.alert;
      const keys = [docKey, this.keys.byStatusPrefix + current.status, this.keys.byStatusPrefix + next.status, this.keys.resolvedAt, this.keys.outbox, this.keys.dueAt];
      const resolvedAt = next.status === 'resolved' ? nowMs : '';
      const stillDue = next.status !== 'resolved' && next.dueAt !== undefined && next.escalatedAt === undefined ? Date.parse(next.dueAt) : '';
      const written = await this.redis.vigilTransitionAlert(keys.length, ...keys,
        raw, JSON.stringify(next), id, Date.parse(current.createdAt), this.keys.feedChannel, this.outboxCap, resolvedAt, stillDue);
      if (written === null) continue;
      this.metrics?.transitions.inc({ action });
      return { alert: withOverdue(next, nowMs), transition: outcome.transition };
    }
    throw new TransitionConflictError(id);
  }

  /** Removes resolved alerts older than the retention from Redis; answers how many. Run it periodically. */
  async sweepResolved(batch = 500): Promise<number> {
    const cutoff = this.now() - this.retentionSeconds * 1000;
    const ids = await this.redis.zrangebyscore(this.keys.resolvedAt, '-inf', cutoff, 'LIMIT', 0, batch);
    let swept = 0;
    for (const id of ids) {
      const raw = await this.redis.get(this.keys.docPrefix + id);
      if (raw === null) {
        await this.redis.zrem(this.keys.resolvedAt, id);
        continue;
      }
      const alert = JSON.parse(raw) as StoredAlert;
      const keys = [this.keys.docPrefix + id, this.keys.byCreated, `${this.keys.byStatusPrefix}resolved`,
        this.keys.byCustomerPrefix + alert.customerId, this.keys.resolvedAt, this.keys.dueAt];
      swept += await this.redis.vigilSweepAlert(keys.length, ...keys, raw, id);
    }
    return swept;
  }

  /** Every alert of the customer still in Redis, newest first, with its history. */
  async ofCustomer(customerId: string): Promise<Alert[]> {
    const ids = await this.redis.zrevrange(this.keys.byCustomerPrefix + customerId, 0, -1);
    if (ids.length === 0) return [];
    const nowMs = this.now();
    const raws = await this.redis.mget(ids.map((id) => this.keys.docPrefix + id));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => withOverdue(JSON.parse(raw) as StoredAlert, nowMs));
  }

  /**
   * Privacy erasure: deletes the customer's alerts with their index entries, whatever their state
   * (an officer's transition racing it finds the alert gone: 404), then the customer's index.
   * Answers how many alerts and other keys went. (Scores and suppression live in the risk state.)
   */
  async eraseCustomer(customerId: string, alertIds: readonly string[]): Promise<{ alerts: number; keys: number }> {
    const statusKeys = ALERT_STATUSES.map((status) => this.keys.byStatusPrefix + status);
    const customerIndex = this.keys.byCustomerPrefix + customerId;
    let alerts = 0;
    for (const id of alertIds) {
      const keys = [this.keys.docPrefix + id, this.keys.byCreated, this.keys.resolvedAt, customerIndex, this.keys.dueAt, ...statusKeys];
      alerts += await this.redis.vigilEraseAlert(keys.length, ...keys, id);
    }
    const keys = await this.redis.del(customerIndex);
    return { alerts, keys };
  }

  /** Privacy erasure: deletes the outbox entries (alert changes in transit or kept under the cap) of the customer's alerts. */
  async eraseOutboxEntries(customerId: string): Promise<number> {
    const quoted = JSON.stringify(customerId);
    return deleteStreamEntries(this.redis, this.keys.outbox, (fields) => {
      const doc = fieldsOf(fields).get('alert');
      // The substring test skips parsing the entries of other customers.
      return typeof doc === 'string' && doc.includes(quoted) && (JSON.parse(doc) as StoredAlert).customerId === customerId;
    });
  }

  private newDocument(input: NewAlert, at: string): StoredAlert {
    const parsed = newAlertSchema.safeParse(input);
    if (!parsed.success) throw new InvalidAlertError(z.prettifyError(parsed.error));
    const alert = parsed.data;
    return {
      ...alert,
      id: alertIdFor(alert.dedupKey),
      status: 'open',
      createdAt: at,
      updatedAt: at,
      history: [{ at, actor: SYSTEM_ACTOR, action: 'raised', from: null, to: 'open' }],
    };
  }
}
