import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, ENTRY_MODES, EVENT_TYPES, PRODUCT_TYPES, describeIssues, eventSchema, parseEvent, type EventType } from '../../core/events/index.js';
import { FAST_SHAPES, fastValidEvent } from '../../core/events/fastCheck.js';

// The fast check must accept nothing zod refuses, and what it accepts must come out of zod
// unchanged; when it declines, parseEvent's answer is zod's. Random events close to valid ones
// (each field valid or broken in the ways senders break them, keys dropped, added or undefined)
// probe the boundary from both sides.

/** Well-formed most of the time, so whole events are valid often enough; broken the rest, in the ways senders break them. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, broken: fc.Arbitrary<U>) => fc.oneof({ weight: 25, arbitrary: valid }, { weight: 1, arbitrary: broken });

const ident = mostly(
  fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@-]{1,12}$/), fc.constant('x'.repeat(128))),
  fc.oneof(fc.constantFrom('', 'a b', 'x'.repeat(129), 'é', 'a/b', 'a\n'), fc.integer()),
);
const text = mostly(
  fc.oneof(fc.stringMatching(/^[A-Za-z0-9 .,'&é-]{1,20}$/), fc.constantFrom('Tesco Metro', 'Café', 'a < b', 'x'.repeat(64), 'y'.repeat(128))),
  fc.oneof(fc.constantFrom('', 'Café <b>', '<script>', 'a\u0000b', 'tab\there', 'x'.repeat(65), 'y'.repeat(129), 'z'.repeat(257)), fc.string({ maxLength: 20 }), fc.integer()),
);
const country = mostly(fc.constantFrom('GB', 'DE', 'US'), fc.oneof(fc.constantFrom('gb', 'GBR', '', 'G1'), fc.string({ maxLength: 3 })));
const currency = mostly(fc.constantFrom('EUR', 'GBP', 'JPY', 'KWD'), fc.constantFrom('XAU', 'XXX', 'ABC', 'eur', 'EU', 'EURO', 1));
const instant = mostly(
  fc.oneof(
    fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-11-26T09:15:00Z', '2026-11-26T09:15:00+01:00', '2026-11-26T09:15:00.123456789-05:30'),
  ),
  fc.oneof(fc.constantFrom('2026-11-26T09:15:00', '2026-11-26', '2026-02-30T00:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26 09:15:00Z',
    '2026-11-26T09:15:00z', ' 2026-11-26T09:15:00Z', '2026-11-26T09:15:00+1:00'), fc.string({ maxLength: 25 })),
);
const amount = mostly(fc.oneof(fc.constantFrom('12.50', '0', '-1', '1e3', ' 7 ', ''), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), fc.constantFrom(Infinity, NaN, true, null));
const ip = mostly(fc.oneof(fc.ipV4(), fc.ipV6()), fc.oneof(fc.constantFrom('256.1.1.1', '01.2.3.4', '1.2.3', '::1\n', '10.0.0.1 ', ''), fc.string({ maxLength: 8 })));
const enumOf = (values: readonly string[]) => mostly(fc.constantFrom(...values), fc.constantFrom('other', '', 'POS'));
const lat = mostly(fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(90, -90, -0)), fc.constantFrom(90.0001, -200, NaN, Infinity, '51.5'));
const lon = mostly(fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(180, -180)), fc.constantFrom(180.5, NaN, -Infinity, '0'));
const attributes = fc.oneof(
  { weight: 20, arbitrary: fc.dictionary(mostly(fc.stringMatching(/^[a-z_]{1,8}$/), fc.constantFrom('', 'k'.repeat(65), '<b>', 'a\u0007')),
    mostly(fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), fc.constantFrom(null, [], {}, NaN, Infinity)), { maxKeys: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.boolean(), { minKeys: 19, maxKeys: 22 }) },
  { weight: 1, arbitrary: fc.constantFrom([], null, 'x', new Date(0)) },
);

/** A field's value: usually well-formed, sometimes not, sometimes an object where a string belongs. */
const objectOf = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[]) => fc.oneof(
  { weight: 12, arbitrary: fc.record(fields, { requiredKeys: required as never[] }) },
  { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'x', [], {}, new Date(0)) },
);
const merchant = objectOf({ id: ident, mcc: mostly(fc.constantFrom('5411', '0000'), fc.oneof(fc.constantFrom('541', '54111', 'abcd', '٣٣٣٣'), fc.string({ maxLength: 4 }))), country, name: text }, ['id', 'mcc', 'country']);
const counterparty = objectOf({ id: ident, account: text, bank: text, country, name: text, own_account: mostly(fc.boolean(), fc.constant('true')) }, []);
const product = objectOf({ type: enumOf(PRODUCT_TYPES), id: ident }, ['type']);
const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  event_id: ident, customer_id: ident, occurred_at: instant, channel: enumOf(CHANNELS),
  device: objectOf({ id: ident, ip }, ['id']), geo: objectOf({ country, lat, lon }, ['country']), attributes,
  amount, currency, merchant, counterparty, product, entry_mode: enumOf(ENTRY_MODES),
  colour: fc.string(), balance: amount, days_past_due: fc.integer(),
};

/** An event of `type` with each of its fields present or not, mostly well-formed, and now and then a stray field or an undefined one. */
const eventOf = (type: EventType) => {
  const shape = FAST_SHAPES[type] ?? {};
  const own = Object.keys(shape).filter((k) => k !== 'type');
  const stray = Object.keys(FIELDS).filter((k) => !own.includes(k));
  return fc.tuple(
    fc.record(Object.fromEntries(own.map((k) => [k, FIELDS[k]!])), { requiredKeys: own.filter((k) => !shape[k]!.optional) as never[] }),
    fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...stray) }),
    fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...own) }),
    fc.nat(3),
  ).map(([fields, extra, touched, how]) => {
    const event: Record<string, unknown> = { type, ...fields };
    if (extra) event[extra] = 'x';
    if (touched && how === 0) delete event[touched];
    if (touched && how === 1) event[touched] = undefined;
    return event;
  });
};
const fastTypes = Object.keys(FAST_SHAPES) as EventType[];
const anyEvent = fc.constantFrom(...fastTypes).chain(eventOf);

describe('event fast check', () => {
  it('checks the same fields as eventSchema, each as required or optional as there', () => {
    for (const type of fastTypes) {
      const option = eventSchema.options.find((o) => o.shape.type.value === type)!;
      const zodFields = Object.entries(option.shape).map(([key, schema]) => `${key}${(schema as { isOptional(): boolean }).isOptional() ? '?' : ''}`).sort();
      const fastFields = Object.entries(FAST_SHAPES[type]!).map(([key, field]) => `${key}${field.optional ? '?' : ''}`).sort();
      expect(fastFields, type).toEqual(zodFields);
    }
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(fastTypes));
  });

  it('accepts only events zod accepts, and zod returns them unchanged', () => {
    let accepted = 0;
    let refused = 0;
    let declined = 0;
    fc.assert(fc.property(anyEvent, (event) => {
      const zod = eventSchema.safeParse(event);
      if (fastValidEvent(event)) {
        accepted++;
        expect(zod.success).toBe(true);
        expect(zod.data).toEqual(event);
      } else if (!zod.success) refused++;
      else declined++;
    }), { numRuns: 20_000 });
    // Both sides of the boundary were exercised, and valid events the check leaves to zod (an ipv6 address) too.
    expect(accepted).toBeGreaterThan(2000);
    expect(refused).toBeGreaterThan(5000);
    expect(declined).toBeGreaterThan(0);
  });

  it('leaves zod its say: parseEvent answers as zod alone does, errors word for word', () => {
    fc.assert(fc.property(anyEvent, (event) => {
      const zod = eventSchema.safeParse(event);
      const parsed = parseEvent(event);
      if (!zod.success) expect(parsed).toEqual({ ok: false, errors: describeIssues(zod.error.issues) });
      else if (parsed.ok) expect(parsed.event).toEqual({ ...zod.data, ...('amount' in parsed.event && { amount: parsed.event.amount, amount_minor: parsed.event.amount_minor }) });
    }), { numRuns: 5000 });
  });

  it('takes the bench mix and the documented examples on the fast path', () => {
    const login = { type: 'login', event_id: 'e-1', customer_id: 'c-1', occurred_at: '2026-11-26T09:15:00Z', channel: 'web', device: { id: 'd-1', ip: '10.1.2.3' }, geo: { country: 'DE' } };
    expect(fastValidEvent(login)).toBe(true);
    expect(fastValidEvent({ ...login, device: { id: 'd-1', ip: '2001:db8::1' } })).toBe(false); // ipv6: zod decides
    expect(parseEvent({ ...login, device: { id: 'd-1', ip: '2001:db8::1' } }).ok).toBe(true);
    // JSON.parse makes an own __proto__ key, which zod's record skips: zod decides.
    expect(fastValidEvent(JSON.parse('{"type":"login","event_id":"e-1","customer_id":"c-1","occurred_at":"2026-11-26T09:15:00Z","channel":"web","attributes":{"__proto__":"x"}}'))).toBe(false);
  });
});
