import type { VigilEvent } from '../core/events/index.js';

// Events as ClickHouse keeps them are not quite events: the analytics gate
// (aggregates/eventRows.ts) replaced the customer id by its pseudonym and, unless raw identifiers
// are kept, `device.ip` by `device.ip_hash` and `counterparty.account` by `counterparty.account_hash`.
// A backtest replays them as they are, with two adjustments so the features see what they can:
//
// - The account's hash stands in for the account. Features only ask "the same payee as before?",
//   and the keyed hash of one account is always the same, so payee familiarity is unchanged.
// - The IP's hash is dropped. Features group IPs by network (the /24 or /48 a provider hands out),
//   which a hash of the whole address cannot give; treating every address as its own network
//   would make every phone on a home router "new". Without an IP the network facts are absent,
//   and rules on them do not fire — in both rule sets alike.
//
// The customer stays a pseudonym: every alert of the replay names the customer as ClickHouse does.

/** A stored row's payload as the replay takes it; undefined when it is not an event object. */
export function replayableEvent(payload: string): VigilEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed.customer_id !== 'string' || typeof parsed.occurred_at !== 'string' || typeof parsed.type !== 'string') return undefined;
  const event: Record<string, unknown> = { ...parsed };
  if (isObject(event.device) && 'ip_hash' in event.device) {
    const { ip_hash: _dropped, ...device } = event.device;
    event.device = device;
  }
  if (isObject(event.counterparty) && typeof event.counterparty.account_hash === 'string') {
    const { account_hash: account, ...counterparty } = event.counterparty;
    event.counterparty = { ...counterparty, account };
  }
  // Validated at ingest and written by Vigil itself; not parsed again (the stored form carries
  // the normalised amounts ingest added, which the posting schema does not accept).
  return event as unknown as VigilEvent;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
