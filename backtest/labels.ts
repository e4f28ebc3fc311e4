import { VERDICTS_BY_TYPE, type AlertDisposition, type AlertType, type Verdict } from '../alerts/index.js';
import type { RiskEvent } from '../core/events/index.js';

// What officers decided about live alerts, as labels for a backtest's alerts: the verdicts of
// alerts/verdicts.ts (the one table live rule performance uses too). Only a verdict on the alert
// counts; dispositions that record the officer's own action label nothing.

export type { Verdict } from '../alerts/index.js';

const VERDICTS: Partial<Record<AlertDisposition, Verdict>> = Object.assign({}, ...Object.values(VERDICTS_BY_TYPE));

/** The dispositions that label an alert, for the query that reads them. */
export const LABELLING_DISPOSITIONS = Object.keys(VERDICTS) as AlertDisposition[];

export function verdictOf(disposition: string): Verdict | undefined {
  return VERDICTS[disposition as AlertDisposition];
}

/** A resolved live alert with a verdict: its type, customer (pseudonym) and triggering event. */
export interface LabelledAlert {
  type: AlertType;
  customer: string;
  eventId: string;
  verdict: Verdict;
}

interface HeldLabel {
  type: AlertType;
  verdict: Verdict;
  inRange: boolean;
}

/**
 * The labels, looked up by customer and triggering event. A live alert is "in the range" once
 * the replay assesses its triggering event (or review): those are what recall is measured on.
 */
export class LabelIndex {
  private readonly byEvent = new Map<string, HeldLabel[]>();
  private labelledInRange = 0;
  private readonly confirmedInRange: Record<string, number> = {};

  constructor(labels: Iterable<LabelledAlert>) {
    for (const label of labels) {
      const key = eventKey(label.customer, label.eventId);
      const held = this.byEvent.get(key) ?? [];
      if (held.some((h) => h.type === label.type)) continue;
      held.push({ type: label.type, verdict: label.verdict, inRange: false });
      this.byEvent.set(key, held);
    }
  }

  get size(): number {
    let n = 0;
    for (const held of this.byEvent.values()) n += held.length;
    return n;
  }

  /** The replay assessed this event or review: its live alerts' labels count from now on. */
  observe(event: Pick<RiskEvent, 'customer_id' | 'event_id'>): void {
    for (const held of this.byEvent.get(eventKey(event.customer_id, event.event_id)) ?? []) {
      if (held.inRange) continue;
      held.inRange = true;
      this.labelledInRange++;
      if (held.verdict === 'confirmed') this.confirmedInRange[held.type] = (this.confirmedInRange[held.type] ?? 0) + 1;
    }
  }

  verdict(type: AlertType, customer: string, eventId: string): Verdict | undefined {
    return this.byEvent.get(eventKey(customer, eventId))?.find((held) => held.type === type)?.verdict;
  }

  inRange(): { labelled: number; confirmedByType: Record<string, number> } {
    return { labelled: this.labelledInRange, confirmedByType: { ...this.confirmedInRange } };
  }
}

function eventKey(customer: string, eventId: string): string {
  return `${customer}\u0000${eventId}`;
}
