import { z } from 'zod';
import { officerText } from './schema.js';

// Snoozing a rule for one customer: an officer who has looked at a pattern and found it explained
// ("salary paid to a new employer's bank") quietens that rule for that customer until a date,
// without touching the rule for everyone else. Pure: the store keeps them, the risk batch reads them.

export const snoozeInputSchema = z.strictObject({
  rule_id: z.string().min(1).max(64).describe('a rule of the published set'),
  reason: officerText(500).describe('why this customer\'s alerts from this rule are not needed; shown with every snoozed match'),
  until: z.iso.datetime({ offset: true }).describe('RFC 3339; in the future, at most VIGIL_SNOOZE_MAX_DAYS ahead'),
});
export type SnoozeInput = z.output<typeof snoozeInputSchema>;

export interface Snooze {
  ruleId: string;
  reason: string;
  until: string;
  snoozedAt: string;
  /** `<role>:<name>` of the verified key. */
  snoozedBy: string;
}

/** One record of a customer's snooze history (kept beside the snoozes, erased with them). */
export interface SnoozeChange {
  at: string;
  actor: string;
  action: 'snoozed' | 'unsnoozed';
  ruleId: string;
  reason?: string;
  until?: string;
}

/** A customer's snoozes, by rule id; expired ones are dropped on read. */
export type CustomerSnoozes = ReadonlyMap<string, Snooze>;

/** The stored value (one JSON document per customer) as a map; unreadable text is no snoozes. */
export function decodeSnoozes(text: string | null | undefined): Map<string, Snooze> {
  if (!text) return new Map();
  try {
    const stored = JSON.parse(text) as { rules?: Snooze[] };
    return new Map((stored.rules ?? []).map((s) => [s.ruleId, s]));
  } catch {
    return new Map();
  }
}

export function encodeSnoozes(snoozes: Iterable<Snooze>): string {
  return JSON.stringify({ rules: [...snoozes] });
}

/** The snooze of this rule in force at `nowMs`, if any. */
export function activeSnooze(snoozes: CustomerSnoozes | undefined, ruleId: string, nowMs: number): Snooze | undefined {
  const snooze = snoozes?.get(ruleId);
  return snooze && Date.parse(snooze.until) > nowMs ? snooze : undefined;
}

/** The snoozes still in force at `nowMs`. */
export function activeSnoozes(snoozes: CustomerSnoozes, nowMs: number): Snooze[] {
  return [...snoozes.values()].filter((s) => Date.parse(s.until) > nowMs);
}

/** Why `until` cannot be accepted now, or undefined. The maximum makes a snooze a decision to revisit, not a permanent exemption. */
export function untilProblem(until: string, nowMs: number, maxDays: number): string | undefined {
  const at = Date.parse(until);
  if (!Number.isFinite(at)) return 'until is not a date';
  if (at <= nowMs) return `until ${until} is not in the future`;
  if (at - nowMs > maxDays * 86_400_000) return `until is more than ${maxDays} days ahead (VIGIL_SNOOZE_MAX_DAYS); snooze again when it ends if it is still warranted`;
  return undefined;
}
