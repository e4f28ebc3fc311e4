// The network an address belongs to, as a provider hands them out: the first three octets of IPv4
// (a home router's /24), the first three groups of IPv6 (a site's /48). Features ask whether a
// customer came from this network before (features/eventFacts.ts); the analytics gate keeps its
// keyed hash beside the address's (aggregates/eventRows.ts), so a backtest can ask the same.

/** `4:a.b.c` or `6:x:y:z`: the network's identity as text (not hashed). */
export function addressNetwork(ip: string): string {
  if (!ip.includes(':')) return `4:${ip.slice(0, ip.lastIndexOf('.'))}`;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const groups = head === '' ? [] : head.split(':');
  // '::' stands for as many zero groups as are missing; only the first three matter here.
  while (tail !== undefined && groups.length < 3) groups.push('0');
  return `6:${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}`;
}
