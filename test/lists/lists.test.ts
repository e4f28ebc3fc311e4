import { describe, expect, it } from 'vitest';
import { ListSnapshot, normaliseValue } from '../../lists/index.js';
import { activeSnooze, decodeSnoozes } from '../../lists/snooze.js';
import { conditionSchema, evaluateCondition, listReferenceProblems, type Condition } from '../../rules/index.js';
import { DEFAULT_OFFER_POLICY, offerOutboxRecord } from '../../offers/index.js';
import { CONSENTING_PROFILE, NOON, campaign } from '../offers/fixtures.js';
import { login, ruleContext, transferOut } from '../rules/fixtures.js';

const NOW = Date.parse('2026-03-10T14:30:00Z');
const DAY = 86_400_000;

describe('normaliseValue', () => {
  it.each([
    ['ip', '192.0.2.7', '192.0.2.7'],
    ['ip', ' ::ffff:192.0.2.7 ', '192.0.2.7'],
    ['ip', '2001:DB8:0:0:0:0:0:7', '2001:db8::7'],
    ['payee_account', 'gb29 nwbk 6016 1331 9268 19', 'GB29NWBK60161331926819'],
    ['device', 'dev-9', 'dev-9'],
    ['customer', '__proto__', '__proto__'],
    ['merchant', 'm:42@acme', 'm:42@acme'],
  ] as const)('writes a %s given as %j as %j', (kind, raw, expected) => {
    expect(normaliseValue(kind, raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['ip', '10.1', /IPv4/],
    ['ip', '192.0.2.0/24', /ranges are not supported/],
    ['ip', '0300.0.2.7', /IPv4/],
    ['device', 'dev 9', /letters, digits/],
    ['customer', 'x'.repeat(129), /1-128/],
    ['payee_account', 'GB29\u0000NWBK', /letters, digits/],
    ['merchant', '', /empty/],
    ['device', 'd'.repeat(300), /longer than 256/],
  ] as const)('refuses a %s given as %j, saying why', (kind, raw, problem) => {
    const result = normaliseValue(kind, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe('ListSnapshot', () => {
  const snapshot = new ListSnapshot();
  snapshot.putList({ name: 'blocked-ips', purpose: 'block', kind: 'ip' });
  snapshot.putEntry('blocked-ips', '192.0.2.7', 'credential stuffing', NOW + DAY);

  it('finds a value by its normalised form until the entry expires, then not', () => {
    expect(snapshot.at(NOW).find('blocked-ips', '::ffff:192.0.2.7')).toMatchObject({ list: 'blocked-ips', purpose: 'block', value: '192.0.2.7', reason: 'credential stuffing' });
    expect(snapshot.at(NOW + DAY - 1).find('blocked-ips', '192.0.2.7')).toBeDefined();
    expect(snapshot.at(NOW + DAY).find('blocked-ips', '192.0.2.7')).toBeUndefined();
  });

  it('treats a list it does not hold as empty and an invalid value as absent', () => {
    expect(snapshot.at(NOW).find('no-such-list', '192.0.2.7')).toBeUndefined();
    expect(snapshot.at(NOW).find('blocked-ips', 'not-an-ip')).toBeUndefined();
  });

  it('shares one reason string between entries that repeat it', () => {
    const s = new ListSnapshot();
    s.putList({ name: 'd', purpose: 'block', kind: 'device' });
    s.putEntry('d', 'a', ['stolen', 'batch'].join(' '), NOW + DAY);
    s.putEntry('d', 'b', ['stolen', 'batch'].join(' '), NOW + DAY);
    expect(s.at(NOW).find('d', 'a')!.reason).toBe('stolen batch');
    expect(s.sizes().get('d')).toBe(2);
  });
});

describe('in_list / not_in_list in conditions', () => {
  const snapshot = new ListSnapshot();
  snapshot.putList({ name: 'blocked-devices', purpose: 'block', kind: 'device' });
  snapshot.putList({ name: 'trusted-payees', purpose: 'allow', kind: 'payee_account' });
  snapshot.putEntry('blocked-devices', 'dev-9', 'reported stolen', NOW + DAY);
  snapshot.putEntry('trusted-payees', 'DE89370400440532013000', 'own account', NOW + DAY);
  const lists = snapshot.at(NOW);
  const check = (condition: Condition, event = login({ device: { id: 'dev-9' } })) => evaluateCondition(condition, ruleContext(event, {}, { lists }));

  it('holds when the value is on the list and explains with the entry\'s reason', () => {
    const outcome = check({ field: 'event.device.id', op: 'in_list', value: 'blocked-devices' });
    expect(outcome.holds).toBe(true);
    expect(outcome.because[0]!.text).toBe('device dev-9 is on block list blocked-devices: reported stolen (until 2026-03-11)');
    expect(outcome.because[0]!.listed).toMatchObject({ list: 'blocked-devices', reason: 'reported stolen' });
  });

  it('not_in_list holds for a value not on the list, never for an absent one', () => {
    expect(check({ field: 'event.device.id', op: 'not_in_list', value: 'blocked-devices' }, login({ device: { id: 'dev-1' } })).holds).toBe(true);
    expect(check({ field: 'event.device.id', op: 'not_in_list', value: 'blocked-devices' }).holds).toBe(false);
    const noDevice = transferOut('10.00');
    expect(check({ field: 'event.device.id', op: 'not_in_list', value: 'blocked-devices' }, noDevice).holds).toBe(false);
    expect(check({ field: 'event.device.id', op: 'in_list', value: 'blocked-devices' }, noDevice).holds).toBe(false);
  });

  it('matches a payee written with spaces and lower case, and a list without a lookup is empty', () => {
    const payee = transferOut('10.00', { counterparty: { account: 'de89 3704 0044 0532 0130 00' } });
    expect(check({ field: 'event.counterparty.account', op: 'in_list', value: 'trusted-payees' }, payee).holds).toBe(true);
    expect(evaluateCondition({ field: 'event.counterparty.account', op: 'in_list', value: 'trusted-payees' }, ruleContext(payee, {})).holds).toBe(false);
  });

  it('leaves "not on the allow list" out of an explanation that has other reasons', () => {
    const outcome = check({ all: [
      { field: 'event.amount', op: 'gte', value: 5 },
      { not: { field: 'event.counterparty.account', op: 'in_list', value: 'trusted-payees' } },
    ] }, transferOut('10.00', { counterparty: { account: 'GB00OTHER' } }));
    expect(outcome.holds).toBe(true);
    expect(outcome.because.map((r) => r.text)).toEqual(['amount 10.00 EUR (threshold ≥ 5.00 EUR)']);
  });

  it.each([
    [{ field: 'event.geo.country', op: 'in_list', value: 'blocked-devices' }, /field must be one of event.customer_id/],
    [{ field: 'event.device.id', op: 'in_list', value: ['blocked-devices'] }, /needs the name of one list/],
    [{ field: 'event.device.id', op: 'in_list', value: 'Blocked Devices' }, /needs the name of one list/],
    [{ field: 'event.device.id', op: 'not_in_list' }, /needs a value/],
  ])('refuses %j with a message saying what to fix', (condition, message) => {
    const parsed = conditionSchema.safeParse(condition);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('names unknown lists with a suggestion, and lists of another kind than the field', () => {
    const known = new Map([['blocked-devices', 'device'], ['blocked-ips', 'ip']] as const);
    expect(listReferenceProblems({ field: 'event.device.id', op: 'in_list', value: 'blocked-device' }, 'condition', known))
      .toEqual(['condition.value: unknown list "blocked-device" (did you mean "blocked-devices"?); create it first (POST /v1/lists)']);
    expect(listReferenceProblems({ field: 'event.device.id', op: 'in_list', value: 'blocked-ips' }, 'condition', known))
      .toEqual(['condition.value: list "blocked-ips" holds ips, but event.device.id is a device']);
  });
});

describe('in_list in campaign triggers', () => {
  it('fires a campaign for a customer on an allow list only, with the lists the risk batch saw', () => {
    const snapshot = new ListSnapshot();
    snapshot.putList({ name: 'premier-customers', purpose: 'allow', kind: 'customer' });
    snapshot.putEntry('premier-customers', 'cust-1', 'premier banking', NOON + DAY);
    const vip = campaign({ id: 'premier-only', trigger: { event_types: ['transfer_in'], condition: { field: 'event.customer_id', op: 'in_list', value: 'premier-customers' } } });
    const event = transferOut('10.00', { type: 'transfer_in', occurred_at: new Date(NOON).toISOString() });
    const input = (lists?: ReturnType<ListSnapshot['at']>, customer = 'cust-1') => ({
      entryId: `${NOON}-0`, event: { ...event, customer_id: customer }, profile: CONSENTING_PROFILE, tier: 'mass', tags: [], features: {},
      scores: { churn: 0, fraud: 0 }, lists,
    });
    const fired = offerOutboxRecord(input(snapshot.at(NOON)), [vip], NOON, DEFAULT_OFFER_POLICY);
    expect(fired?.kind === 'trigger' && fired.fired[0]!.because).toEqual(['customer cust-1 is on allow list premier-customers: premier banking (until 2026-03-11)']);
    expect(offerOutboxRecord(input(snapshot.at(NOON), 'cust-2'), [vip], NOON, DEFAULT_OFFER_POLICY)).toBeUndefined();
    expect(offerOutboxRecord(input(undefined), [vip], NOON, DEFAULT_OFFER_POLICY)).toBeUndefined();
  });
});

describe('snoozes', () => {
  it('are in force until their end, and unreadable text is no snoozes', () => {
    const snoozes = decodeSnoozes(JSON.stringify({ rules: [{ ruleId: 'r', reason: 'x', until: new Date(NOW + 1000).toISOString(), snoozedAt: '', snoozedBy: 'risk:a' }] }));
    expect(activeSnooze(snoozes, 'r', NOW)?.reason).toBe('x');
    expect(activeSnooze(snoozes, 'r', NOW + 1000)).toBeUndefined();
    expect(activeSnooze(snoozes, 'other', NOW)).toBeUndefined();
    expect(decodeSnoozes('{not json').size).toBe(0);
  });
});
