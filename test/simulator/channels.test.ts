import { describe, expect, it } from 'vitest';
import { minorUnitDigits, type EventInput, type EventType } from '../../core/events/index.js';
import { BankSimulator, CHANNELS_BY_TYPE, isBranchOpen, isCallCentreOpen } from '../../simulator/index.js';

// The expectation is written out here rather than imported, so the test checks the simulator
// against the domain, not against itself.
const EXPECTED_CHANNELS: ReadonlyArray<readonly [EventType, readonly string[]]> = [
  ['card_payment', ['pos', 'ecommerce']],
  ['card_refund', ['pos', 'ecommerce']],
  ['cash_withdrawal', ['atm']],
  ['cash_deposit', ['atm', 'branch']],
  ['transfer_out', ['mobile_app', 'web', 'core_banking']],
  ['transfer_in', ['mobile_app', 'web', 'core_banking']],
  ['salary_credit', ['core_banking']],
  ['bill_payment', ['core_banking', 'mobile_app', 'web']],
  ['loan_repayment', ['core_banking']],
  ['login', ['mobile_app', 'web']],
  ['login_failed', ['mobile_app', 'web']],
  ['app_session', ['mobile_app', 'web']],
  ['password_reset', ['mobile_app', 'web', 'call_centre']],
  ['device_added', ['mobile_app', 'web']],
  ['profile_change', ['mobile_app', 'web', 'branch', 'call_centre']],
  ['branch_visit', ['branch']],
  ['call_centre_contact', ['call_centre']],
  ['complaint', ['mobile_app', 'web', 'branch', 'call_centre']],
  ['product_opened', ['mobile_app', 'web', 'branch']],
  ['product_closed', ['mobile_app', 'web', 'branch']],
];

const simulator = new BankSimulator({ customers: 500, seed: 42, speed: 20_000, rate: 200, start: new Date('2026-03-02T00:00:00Z') });
const sample = simulator.next(40_000);
const byType = new Map<string, EventInput[]>();
for (const event of sample) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);

describe('event channels and content', () => {
  it.each(EXPECTED_CHANNELS)('sends %s only on %j, and the sample contains some', (type, channels) => {
    const events = byType.get(type) ?? [];
    expect(events.length).toBeGreaterThan(0);
    const seen = new Set(events.map((event) => event.channel));
    for (const channel of seen) expect(channels).toContain(channel);
  });

  it('documents in CHANNELS_BY_TYPE only channels the domain allows for each type', () => {
    const expected = new Map(EXPECTED_CHANNELS);
    for (const [type, channels] of Object.entries(CHANNELS_BY_TYPE)) {
      for (const channel of channels ?? []) expect(expected.get(type as EventType)).toContain(channel);
    }
  });

  it('generates no event type outside the table', () => {
    const known = new Set<string>(EXPECTED_CHANNELS.map(([type]) => type));
    expect([...byType.keys()].filter((type) => !known.has(type))).toEqual([]);
  });

  it('makes card payments both at tills and online', () => {
    const channels = new Set((byType.get('card_payment') ?? []).map((event) => event.channel));
    expect(channels).toEqual(new Set(['pos', 'ecommerce']));
  });

  it('walks into branches only while they are open and phones only while the call centre is', () => {
    for (const event of sample) {
      const at = Date.parse(event.occurred_at);
      if (event.type === 'branch_visit' || (event.type === 'cash_deposit' && event.channel === 'branch')) expect(isBranchOpen(at)).toBe(true);
      if (event.type === 'call_centre_contact') expect(isCallCentreOpen(at)).toBe(true);
    }
  });

  it('opens every app session shortly after a login by the same customer on the same device', () => {
    const lastLogin = new Map<string, number>();
    for (const event of sample) {
      const key = `${event.customer_id}/${event.device?.id}`;
      if (event.type === 'login') lastLogin.set(key, Date.parse(event.occurred_at));
      if (event.type !== 'app_session') continue;
      const loginAt = lastLogin.get(key);
      expect(loginAt, `login before ${event.event_id}`).toBeDefined();
      expect(Date.parse(event.occurred_at) - (loginAt ?? 0)).toBeLessThanOrEqual(40_000);
    }
  });

  it('states amounts in exactly the minor-unit precision of their currency', () => {
    for (const event of sample) {
      if (!('amount' in event)) continue;
      const digits = minorUnitDigits(event.currency);
      expect(String(event.amount)).toMatch(digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`));
    }
  });

  it('dispenses cash in round amounts', () => {
    for (const event of byType.get('cash_withdrawal') ?? []) {
      if (event.type !== 'cash_withdrawal') continue;
      const major = Number(event.amount);
      expect(major % (event.currency === 'JPY' ? 1000 : 10)).toBe(0);
    }
  });

  it('attaches one of the customer\'s own devices to logins, except on a device just added', () => {
    const devices = new Map(simulator.population.map((customer) => [customer.id, new Set(customer.devices.map((device) => device.id))]));
    const added = new Set((byType.get('device_added') ?? []).map((event) => event.device?.id));
    for (const event of byType.get('login') ?? []) {
      const id = event.device?.id ?? '';
      expect(devices.get(event.customer_id)?.has(id) || added.has(id)).toBe(true);
    }
  });
});
