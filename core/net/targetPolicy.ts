import ipaddr from 'ipaddr.js';

// Which hosts Vigil may send customer data to (alert webhooks, offer channel endpoints), as pure
// decisions over a URL, an address and the operator's allow-list. The I/O (DNS, the HTTP agent)
// is in outbound.ts. The threat: an admin key, or whoever holds one, points a webhook at
// 127.0.0.1:6379, the cloud metadata service at 169.254.169.254 or a host on the bank's private
// network, and reads the answers (or the delivery errors) back as a port scanner.
//
// A target is permitted when its address is public unicast, or the allow-list names it. Public
// targets need https; allow-listed ones may use http (loopback gateways in tests and the demo,
// an internal CRM queue behind the bank's own TLS).

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface OutboundAllowList {
  /** Host names allowed by name (lower case, no trailing dot); whatever they resolve to is trusted. */
  readonly hosts: readonly string[];
  /** `*.bank.internal` entries, kept as `.bank.internal`. */
  readonly suffixes: readonly string[];
  /** Addresses and CIDR ranges allowed even though they are not public. */
  readonly ranges: readonly (readonly [Address, number])[];
}

export const EMPTY_ALLOW_LIST: OutboundAllowList = { hosts: [], suffixes: [], ranges: [] };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/**
 * `VIGIL_OUTBOUND_ALLOW`: comma-separated host names (`localhost`, `crm.bank.internal`),
 * `*.suffix` wildcards, addresses (`127.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`).
 */
export function parseOutboundAllowList(text: string | undefined): { ok: true; allow: OutboundAllowList } | { ok: false; errors: string[] } {
  const hosts: string[] = [];
  const suffixes: string[] = [];
  const ranges: [Address, number][] = [];
  const errors: string[] = [];
  for (const raw of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const entry = raw.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (entry.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        ranges.push([unmapped(address), address.kind() === 'ipv6' && unmapped(address).kind() === 'ipv4' ? bits - 96 : bits]);
      } catch {
        errors.push(`"${raw}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`);
      }
    } else if (isIpLiteral(entry)) {
      const address = unmapped(ipaddr.parse(entry));
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.startsWith('*.') && HOST_NAME.test(entry.slice(2))) {
      suffixes.push(entry.slice(1));
    } else if (HOST_NAME.test(entry.replace(/\.$/, ''))) {
      hosts.push(entry.replace(/\.$/, ''));
    } else {
      errors.push(`"${raw}" is neither a host name, a *.suffix, an address nor a CIDR range`);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, allow: { hosts, suffixes, ranges } };
}

/** Dotted-quad IPv4 or IPv6, as a URL's hostname (brackets removed) or DNS gives them. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host);
}

/** `::ffff:127.0.0.1` is 127.0.0.1 to the kernel, so it is judged as the IPv4 address it carries. */
function unmapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/**
 * Public unicast only: not loopback, private (RFC 1918), carrier-grade NAT, link-local (the cloud
 * metadata service), unique-local, unspecified, multicast, broadcast, documentation, or the IPv6
 * forms that embed an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible ::a.b.c.d).
 */
export function isPublicAddress(address: string): boolean {
  const parsed = unmapped(ipaddr.parse(address));
  if (parsed.range() !== 'unicast') return false;
  // ipaddr.js calls ::a.b.c.d "unicast"; the first 96 bits zero is the deprecated IPv4-compatible form.
  return !(parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0));
}

function inAllowedRange(allow: OutboundAllowList, address: string): boolean {
  const parsed = unmapped(ipaddr.parse(address));
  return allow.ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}

/** May Vigil connect to this resolved address (for a host not allowed by name)? */
export function addressPermitted(allow: OutboundAllowList, address: string): boolean {
  return isIpLiteral(address) && (isPublicAddress(address) || inAllowedRange(allow, address));
}

/** Is the host (a name, or an address literal) on the allow-list itself? */
export function hostAllowListed(allow: OutboundAllowList, host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(name)) return inAllowedRange(allow, name);
  return allow.hosts.includes(name) || allow.suffixes.some((suffix) => name.endsWith(suffix));
}

export type UrlVerdict =
  | { ok: false; reason: string }
  /** `resolve`: the host is a name not on the allow-list; its addresses must be checked too. */
  | { ok: true; host: string; resolve: boolean };

const NOT_PUBLIC = 'is not a public address (loopback, private, link-local and similar targets are refused)';
const HINT = 'add it to VIGIL_OUTBOUND_ALLOW if this is intended';

/**
 * Everything that can be decided from the URL alone. Hosts are read as the WHATWG URL parser
 * reads them, which is also how the request is made: 2130706433, 0x7f.1 and 017700000001 are all
 * 127.0.0.1, and [::ffff:127.0.0.1] is judged as 127.0.0.1. Reasons never quote a resolved address.
 */
export function judgeUrl(allow: OutboundAllowList, url: string): UrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: 'must be an https URL' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'must not carry credentials; the body is signed instead' };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (hostAllowListed(allow, host)) return { ok: true, host, resolve: false };
  if (isIpLiteral(host) && !isPublicAddress(host)) return { ok: false, reason: `host ${parsed.hostname} ${NOT_PUBLIC}; ${HINT}` };
  if (parsed.protocol !== 'https:') return { ok: false, reason: `must use https (http only for hosts in VIGIL_OUTBOUND_ALLOW)` };
  return { ok: true, host, resolve: !isIpLiteral(host) };
}

/** The refusal for a host name that resolves somewhere not permitted; the address is not named. */
export function resolvedNotPermitted(host: string): string {
  return `host ${host} resolves to a non-public address (loopback, private, link-local and similar targets are refused); ${HINT}`;
}
