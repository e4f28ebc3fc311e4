import { createHash } from 'node:crypto';
import type { NewAlert } from '../alerts/index.js';
import type { RiskEvent } from '../core/events/index.js';
import type { LiveDifference, LiveComparison as LiveComparisonOutcome } from './schema.js';

// The published set's replay against what the live pipeline raised, alert for alert. Live alerts
// come from the alert archive (ClickHouse), which names customers by the same pseudonym as the
// replayed events; an alert is the same when its type, customer, triggering event (or review
// moment) and rule ids are. Pure: the job hands it the live alerts and every step of the replay.

const DIFFERENCES_KEPT = 100;

/** A live alert as archived: customer as its pseudonym, review ids as `review:<pseudonym>:<ms>`. */
export interface LiveAlert {
  type: string;
  customer: string;
  eventId: string;
  ruleIds: string[];
}

/** One alert as a line: what the digest hashes and what both sides are compared on. */
export function alertLine(alert: LiveAlert): string {
  return [alert.type, alert.customer, alert.eventId, [...alert.ruleIds].sort().join(',')].join('|');
}

/**
 * An order-free digest of a set of alerts: the XOR of each line's SHA-256, so it is computed as
 * alerts come, without keeping them, and anyone holding the same set (the live alert store, with
 * customers mapped through the pseudonymiser) gets the same hex.
 */
export class AlertSetDigest {
  private readonly acc = Buffer.alloc(32);
  private count = 0;

  add(line: string): void {
    const hash = createHash('sha256').update(line).digest();
    for (let i = 0; i < 32; i++) this.acc[i]! ^= hash[i]!;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  hex(): string {
    return this.acc.toString('hex');
  }
}

/** The digest of a whole set of alerts at once (tests and the demo's check use it on the live store). */
export function digestOf(alerts: Iterable<LiveAlert>): string {
  const digest = new AlertSetDigest();
  for (const alert of alerts) digest.add(alertLine(alert));
  return digest.hex();
}

interface HeldLive {
  alert: LiveAlert;
  inRange: boolean;
  matched: boolean;
}

/** The alert a review step stands for is in the range by its moment, an event's once it is replayed. */
const REVIEW_ID = /^review:.*:(\d+)$/s;

export class LiveComparison {
  private readonly byKey = new Map<string, HeldLive>();
  /** The same alerts by customer and triggering event, which is all a replayed step names. */
  private readonly byEvent = new Map<string, HeldLive[]>();
  private readonly digest = new AlertSetDigest();
  private identical = 0;
  private rulesDiffer = 0;
  private onlyReplayed = 0;
  private readonly differences: LiveDifference[] = [];

  constructor(live: Iterable<LiveAlert>, private readonly range: { fromMs: number; toMs: number }) {
    for (const alert of live) {
      const held = { alert, inRange: false, matched: false };
      this.byKey.set(keyOf(alert.type, alert.customer, alert.eventId), held);
      const eventKey = `${alert.customer}\u0000${alert.eventId}`;
      this.byEvent.set(eventKey, [...(this.byEvent.get(eventKey) ?? []), held]);
    }
  }

  /** The replay assessed this event or review: live alerts it triggered belong to the range. */
  observe(event: Pick<RiskEvent, 'customer_id' | 'event_id'>): void {
    for (const held of this.byEvent.get(`${event.customer_id}\u0000${event.event_id}`) ?? []) held.inRange = true;
  }

  /** An alert the replay raised. */
  add(alert: NewAlert): void {
    const replayed: LiveAlert = { type: alert.type, customer: alert.customerId, eventId: alert.triggeringEvents[0]!.eventId, ruleIds: [...alert.ruleIds] };
    this.digest.add(alertLine(replayed));
    const held = this.byKey.get(keyOf(replayed.type, replayed.customer, replayed.eventId));
    if (!held) {
      this.onlyReplayed++;
      this.note({ kind: 'only_replayed', ...sample(replayed), replayed_rule_ids: replayed.ruleIds });
      return;
    }
    held.matched = true;
    held.inRange = true;
    if (alertLine(held.alert) === alertLine(replayed)) {
      this.identical++;
      return;
    }
    this.rulesDiffer++;
    this.note({ kind: 'rules_differ', ...sample(replayed), live_rule_ids: held.alert.ruleIds, replayed_rule_ids: replayed.ruleIds });
  }

  outcome(): LiveComparisonOutcome {
    let live = 0;
    let onlyLive = 0;
    for (const held of this.byKey.values()) {
      if (!held.inRange && !this.reviewInRange(held.alert.eventId)) continue;
      live++;
      if (held.matched) continue;
      onlyLive++;
      this.note({ kind: 'only_live', ...sample(held.alert), live_rule_ids: held.alert.ruleIds });
    }
    return {
      source: 'clickhouse:alerts',
      live,
      replayed: this.digest.size,
      identical: this.identical,
      rules_differ: this.rulesDiffer,
      only_live: onlyLive,
      only_replayed: this.onlyReplayed,
      replayed_digest: this.digest.hex(),
      differences: [...this.differences],
    };
  }

  /** A live review the replay never took still belongs to the range when its moment does. */
  private reviewInRange(eventId: string): boolean {
    const review = REVIEW_ID.exec(eventId);
    if (!review) return false;
    const atMs = Number(review[1]);
    return atMs >= this.range.fromMs && atMs < this.range.toMs;
  }

  private note(difference: LiveDifference): void {
    if (this.differences.length < DIFFERENCES_KEPT) this.differences.push(difference);
  }
}

function keyOf(type: string, customer: string, eventId: string): string {
  return `${type}\u0000${customer}\u0000${eventId}`;
}

function sample(alert: LiveAlert): Pick<LiveDifference, 'type' | 'customer' | 'event_id'> {
  return { type: alert.type, customer: alert.customer, event_id: alert.eventId };
}
