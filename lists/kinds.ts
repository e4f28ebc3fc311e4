import ipaddr from 'ipaddr.js';

// What a list can hold and how its values are written. A value is normalised once, the same way
// when it is added and when an event is looked up, so "gb29 nwbk 6016 1331 9268 19" on the list
// matches "GB29NWBK60161331926819" in a transfer, and "::ffff:192.0.2.7" matches "192.0.2.7".

/** allow: known good, keeps rules quiet; block: known bad, alerts at once; watch: worth a look. */
export const LIST_PURPOSES = ['allow', 'block', 'watch'] as const;
export type ListPurpose = (typeof LIST_PURPOSES)[number];

export const ENTITY_KINDS = ['customer', 'device', 'ip', 'payee_account', 'merchant'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/**
 * The event field that carries each kind of entity: the fields `in_list` / `not_in_list` may
 * compare. A list of devices can only be matched against `event.device.id`, never an IP.
 */
export const LIST_FIELD_KINDS: Readonly<Record<string, EntityKind>> = Object.freeze({
  'event.customer_id': 'customer',
  'event.device.id': 'device',
  'event.device.ip': 'ip',
  'event.counterparty.account': 'payee_account',
  'event.merchant.id': 'merchant',
});

/** The field a kind is matched on, for messages ("a list of devices matches event.device.id"). */
export function fieldOfKind(kind: EntityKind): string {
  return Object.entries(LIST_FIELD_KINDS).find(([, k]) => k === kind)![0];
}

const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,128}$/;
const ACCOUNT = /^[A-Z0-9./-]{1,64}$/;
/** Longer than any value of any kind: refused before any parsing is attempted. */
export const MAX_VALUE_LENGTH = 256;

export type NormalisedValue = { ok: true; value: string } | { ok: false; problem: string };

/**
 * The canonical form of a value of this kind, or why it cannot be one. Ids (customer, device,
 * merchant) follow the event schema's identifier rule and keep their case; IPs are written the
 * canonical way (IPv4-mapped IPv6 as IPv4, IPv6 compressed, lower case); payee accounts lose
 * spaces and are upper-cased, as the analytics gate writes them.
 */
export function normaliseValue(kind: EntityKind, raw: unknown): NormalisedValue {
  if (typeof raw !== 'string') return { ok: false, problem: 'value must be a string' };
  if (raw.length > MAX_VALUE_LENGTH) return { ok: false, problem: `value is longer than ${MAX_VALUE_LENGTH} characters` };
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'value is empty' };
  switch (kind) {
    case 'customer':
    case 'device':
    case 'merchant':
      return IDENTIFIER.test(text)
        ? { ok: true, value: text }
        : { ok: false, problem: `a ${kindLabel(kind)} id is 1-128 letters, digits and . _ : @ -` };
    case 'ip':
      return canonicalIp(text);
    case 'payee_account': {
      const account = text.replace(/\s+/g, '').toUpperCase();
      return ACCOUNT.test(account)
        ? { ok: true, value: account }
        : { ok: false, problem: 'a payee account is 1-64 letters, digits and . / - (spaces are ignored)' };
    }
  }
}

function canonicalIp(text: string): NormalisedValue {
  // Only the usual spellings: ipaddr.js would also read "10.1" or octal parts, which no event carries.
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) {
    return { ok: false, problem: 'an ip is one IPv4 (192.0.2.7) or IPv6 (2001:db8::7) address; ranges are not supported' };
  }
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return { ok: true, value: (parsed as ipaddr.IPv6).toIPv4Address().toString() };
  return { ok: true, value: parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString() };
}

/** "device", "payee account": the kind as a person says it. */
export function kindLabel(kind: EntityKind): string {
  return kind.replace('_', ' ');
}
