import { describe, expect, it } from 'vitest';
import { EMPTY_ALLOW_LIST, addressPermitted, judgeUrl, parseOutboundAllowList, type OutboundAllowList } from '../../core/net/index.js';

// Which URLs alert webhooks and offer channels may point at, decided from the URL alone (the DNS
// half is in outbound.test.ts). Hosts are read as the WHATWG URL parser reads them, as fetch does.

function allowList(text: string): OutboundAllowList {
  const parsed = parseOutboundAllowList(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.allow;
}

const REFUSED_WITHOUT_ALLOW_LIST: [string, string][] = [
  ['loopback', 'https://127.0.0.1/hook'],
  ['loopback over http', 'http://127.0.0.1:6379/'],
  ['loopback elsewhere in 127/8', 'https://127.8.9.10/'],
  ['IPv6 loopback', 'https://[::1]/hook'],
  ['the unspecified address', 'https://0.0.0.0/'],
  ['the unspecified address as 0', 'https://0/'],
  ['IPv6 unspecified', 'https://[::]/'],
  ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data/'],
  ['link-local', 'https://169.254.1.1/'],
  ['IPv6 link-local', 'https://[fe80::1]/'],
  ['RFC 1918 10/8', 'https://10.0.0.5/'],
  ['RFC 1918 172.16/12', 'https://172.16.3.4/'],
  ['RFC 1918 192.168/16', 'https://192.168.1.1/'],
  ['carrier-grade NAT', 'https://100.64.0.1/'],
  ['unique-local fc00::/7', 'https://[fd12:3456::1]/'],
  ['multicast', 'https://224.0.0.1/'],
  ['IPv6 multicast', 'https://[ff02::1]/'],
  ['broadcast', 'https://255.255.255.255/'],
  ['documentation range', 'https://192.0.2.10/'],
  ['loopback as a decimal number', 'https://2130706433/'],
  ['loopback in hex', 'https://0x7f.1/'],
  ['loopback in octal', 'https://017700000001/'],
  ['loopback shortened', 'https://127.1/'],
  ['metadata service as a decimal number', 'https://2852039166/'],
  ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/'],
  ['IPv4-mapped metadata service', 'https://[::ffff:169.254.169.254]/'],
  ['IPv4-mapped private, in hex', 'https://[::ffff:a00:1]/'],
  ['IPv4-compatible loopback', 'https://[::127.0.0.1]/'],
  ['NAT64 of loopback', 'https://[64:ff9b::7f00:1]/'],
  ['6to4 of loopback', 'https://[2002:7f00:1::1]/'],
  ['a public host over http', 'http://hooks.example.com/vigil'],
  ['a public address over http', 'http://93.184.215.14/vigil'],
  ['ftp', 'ftp://hooks.example.com/'],
  ['a file', 'file:///etc/passwd'],
  ['credentials in the URL', 'https://user:secret@hooks.example.com/'],
  ['not a URL', 'hooks.example.com/vigil'],
];

describe('URLs refused without an allow-list', () => {
  it.each(REFUSED_WITHOUT_ALLOW_LIST)('refuses %s (%s)', (_name, url) => {
    const verdict = judgeUrl(EMPTY_ALLOW_LIST, url);
    expect(verdict.ok).toBe(false);
  });

  it('says why, naming the host as given and the setting that would allow it', () => {
    expect(judgeUrl(EMPTY_ALLOW_LIST, 'https://169.254.169.254/x')).toEqual({
      ok: false, reason: expect.stringMatching(/^host 169\.254\.169\.254 is not a public address .*VIGIL_OUTBOUND_ALLOW/),
    });
    expect(judgeUrl(EMPTY_ALLOW_LIST, 'http://hooks.example.com/')).toEqual({ ok: false, reason: expect.stringMatching(/must use https/) });
  });
});

describe('URLs permitted without an allow-list', () => {
  it.each([
    ['a public address over https', 'https://93.184.215.14/vigil', false],
    ['a public IPv6 address over https', 'https://[2606:4700::1111]/vigil', false],
    ['a host name over https, whose addresses are checked next', 'https://hooks.bank.example/vigil', true],
  ])('permits %s', (_name, url, resolve) => {
    expect(judgeUrl(EMPTY_ALLOW_LIST, url)).toMatchObject({ ok: true, resolve });
  });
});

describe('the allow-list (VIGIL_OUTBOUND_ALLOW)', () => {
  const allow = allowList('127.0.0.1, localhost, 10.0.0.0/8, *.bank.internal, fd00::/8');

  it.each([
    ['an allowed address over http', 'http://127.0.0.1:8080/hook'],
    ['an allowed address spelt in hex', 'http://0x7f.0.0.1/'],
    ['an allowed address, IPv4-mapped', 'https://[::ffff:127.0.0.1]/'],
    ['an allowed name over http', 'http://localhost:3000/hook'],
    ['an allowed name with a trailing dot, any case', 'http://LOCALHOST./hook'],
    ['an address in an allowed range', 'http://10.20.30.40/'],
    ['a name under an allowed suffix', 'http://crm.bank.internal/offers'],
    ['an address in an allowed IPv6 range', 'http://[fd00::5]/'],
  ])('permits %s, without resolving it', (_name, url) => {
    expect(judgeUrl(allow, url)).toMatchObject({ ok: true, resolve: false });
  });

  it.each([
    ['loopback outside the allowed address', 'http://127.0.0.2/'],
    ['the metadata service', 'http://169.254.169.254/'],
    ['a private range not listed', 'https://192.168.0.1/'],
    ['the suffix itself is not a subdomain of it', 'http://bank.internal/'],
    ['a public host over http', 'http://hooks.example.com/'],
  ])('still refuses %s', (_name, url) => {
    expect(judgeUrl(allow, url).ok).toBe(false);
  });

  it('judges resolved addresses: public or in an allowed range', () => {
    expect(addressPermitted(allow, '93.184.215.14')).toBe(true);
    expect(addressPermitted(allow, '10.9.9.9')).toBe(true);
    expect(addressPermitted(allow, '::ffff:10.9.9.9')).toBe(true);
    expect(addressPermitted(allow, '127.0.0.2')).toBe(false);
    expect(addressPermitted(allow, '169.254.169.254')).toBe(false);
    expect(addressPermitted(EMPTY_ALLOW_LIST, '127.0.0.1')).toBe(false);
    expect(addressPermitted(EMPTY_ALLOW_LIST, 'not-an-address')).toBe(false);
  });

  it('reports every entry it cannot read', () => {
    expect(parseOutboundAllowList('127.0.0.1,http://x/,10.0.0.0/33')).toEqual({ ok: false, errors: [expect.stringContaining('"http://x/"'), expect.stringContaining('"10.0.0.0/33"')] });
    expect(parseOutboundAllowList('')).toEqual({ ok: true, allow: EMPTY_ALLOW_LIST });
  });
});
