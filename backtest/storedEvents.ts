import type { VigilEvent } from '../core/events/index.js';

// Events as ClickHouse keeps them are not quite events: the analytics gate
// (aggregates/eventRows.ts) replaced the customer id by its pseudonym and, unless raw identifiers
// are kept, `device.ip` by `device.ip_hash` and `counterparty.account` by `counterparty.account_hash`.
// A backtest replays them as they are, with two adjustments so the features see what they can:
//
// - The account's hash stands in for the account. Features only ask "the same payee as before?",
//   and the keyed hash of one account is always the same, so payee familiarity is unchanged.
// - The IP's hash is dropped; the network's stands in for the address. Features only ask "a
//   network (IPv4 /24, IPv6 /48) seen before?", which a hash of the whole address cannot answer
//   (every phone on a home router would be "new"), but the keyed hash of the network the gate
//   stores beside it does: the replay is given an IPv6 address whose /48 is the hash's first 48
//   bits, so the network facts are those the workers computed from the real address (two networks
//   of one customer share a stand-in once in 2^48). Rows archived before the gate kept the
//   network's hash have no address in the replay; their network facts are absent.
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
  if (isObject(event.device) && ('ip_hash' in event.device || 'network_hash' in event.device)) {
    const { ip_hash: _dropped, network_hash: network, ...device } = event.device;
    event.device = typeof network === 'string' && /^[0-9a-f]{12}/.test(network) ? { ...device, ip: standInAddress(network) } : device;
  }
  if (isObject(event.counterparty) && typeof event.counterparty.account_hash === 'string') {
    const { account_hash: account, ...counterparty } = event.counterparty;
    event.counterparty = { ...counterparty, account };
  }
  // Validated at ingest and written by Vigil itself; not parsed again (the stored form carries
  // the normalised amounts ingest added, which the posting schema does not accept).
  return event as unknown as VigilEvent;
}

/** An IPv6 address whose /48 (what features/eventFacts.ts reads) is the network hash's first 48 bits. */
function standInAddress(networkHash: string): string {
  return `${networkHash.slice(0, 4)}:${networkHash.slice(4, 8)}:${networkHash.slice(8, 12)}::1`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
