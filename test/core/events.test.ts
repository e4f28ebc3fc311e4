import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, moneyDirection, parseEvent, toWireEvent } from '../../core/events/index.js';

const base = { event_id: 'evt-1', customer_id: 'cust-1', occurred_at: '2026-11-26T09:15:00Z', channel: 'mobile_app' };
const merchant = { id: 'm-1', mcc: '5411', country: 'GB' };
const counterparty = { id: 'p-1', account: 'GB00XX', bank: 'OTHERBANK', country: 'GB' };

// One valid example per event type: the contract integrators build against.
const VALID: Record<string, Record<string, unknown>> = {
  card_payment: { amount: '12.50', currency: 'GBP', merchant, channel: 'pos' },
  card_refund: { amount: '12.50', currency: 'GBP', merchant, channel: 'ecommerce' },
  transfer_out: { amount: '100', currency: 'GBP', counterparty },
  transfer_in: { amount: '100', currency: 'GBP', counterparty },
  cash_withdrawal: { amount: '60', currency: 'GBP', channel: 'atm', geo: { country: 'GB', lat: 51.5, lon: -0.12 } },
  cash_deposit: { amount: '60', currency: 'GBP', channel: 'branch' },
  salary_credit: { amount: '2500.00', currency: 'GBP', channel: 'core_banking', counterparty: { name: 'ACME Ltd' } },
  bill_payment: { amount: '45.99', currency: 'GBP' },
  loan_repayment: { amount: '300', currency: 'GBP', product: { type: 'loan' } },
  login: { device: { id: 'd-1', ip: '203.0.113.7' } },
  login_failed: { device: { id: 'd-1', ip: '2001:db8::1' } },
  password_reset: {},
  device_added: { device: { id: 'd-2' } },
  profile_change: { attributes: { field: 'address' } },
  app_session: { attributes: { seconds: 120 } },
  branch_visit: { channel: 'branch' },
  call_centre_contact: { channel: 'call_centre' },
  complaint: { complaint: { id: 'c-1', category: 'fees' } },
  product_opened: { product: { type: 'savings' } },
  product_closed: { product: { type: 'credit_card', id: 'cc-1' } },
  offer_response: { offer: { offer_id: 'o-1', response: 'accepted' } },
  repayment_missed: { amount: '250.00', currency: 'EUR', product: { type: 'loan', id: 'loan-1' }, days_past_due: 12 },
  direct_debit_returned: { amount: '42.10', currency: 'EUR', counterparty: { name: 'City Power', account: 'DE44500105175407324931' } },
  balance_snapshot: { product: { type: 'credit_card', id: 'cc-1' }, balance: '1840.25', currency: 'EUR', credit_limit: '2500' },
};

describe('event schema', () => {
  it('has a valid example for every event type', () => {
    expect(Object.keys(VALID).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(Object.entries(VALID))('accepts a well-formed %s', (type, fields) => {
    const result = parseEvent({ ...base, type, ...fields });
    expect(result.ok ? 'ok' : result.errors).toBe('ok');
  });

  const INVALID: [string, unknown, RegExp][] = [
    ['an unknown type', { ...base, type: 'crypto_swap' }, /unknown event type "crypto_swap"/],
    ['a missing type', { ...base }, /unknown event type undefined/],
    ['an unknown field', { ...base, type: 'login', colour: 'red' }, /unknown field\(s\) colour/],
    ['an unknown nested field', { ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, owner: 'x' } }, /merchant: unknown field\(s\) owner/],
    ['money fields on a login', { ...base, type: 'login', amount: '1', currency: 'GBP' }, /unknown field\(s\) amount, currency/],
    ['a card payment without merchant', { ...base, type: 'card_payment', amount: '1', currency: 'GBP' }, /merchant/],
    ['a transfer without counterparty', { ...base, type: 'transfer_out', amount: '1', currency: 'GBP' }, /counterparty/],
    ['a time without offset', { ...base, type: 'login', occurred_at: '2026-11-26T09:15:00' }, /occurred_at/],
    ['a date only', { ...base, type: 'login', occurred_at: '2026-11-26' }, /occurred_at/],
    ['an unknown channel', { ...base, type: 'login', channel: 'fax' }, /channel/],
    ['an empty customer id', { ...base, type: 'login', customer_id: '' }, /customer_id/],
    ['a customer id with spaces', { ...base, type: 'login', customer_id: 'a b' }, /customer_id/],
    ['a lower-case country', { ...base, type: 'login', geo: { country: 'gb' } }, /geo.country/],
    ['latitude out of range', { ...base, type: 'login', geo: { country: 'GB', lat: 91 } }, /geo.lat/],
    ['a bad IP', { ...base, type: 'login', device: { id: 'd', ip: '999.1.1.1' } }, /device.ip/],
    ['a 3-digit MCC', { ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, mcc: '541' } }, /merchant.mcc/],
    ['a negative amount', { ...base, type: 'cash_deposit', amount: '-5', currency: 'GBP' }, /amount/],
    ['a zero amount', { ...base, type: 'cash_deposit', amount: '0.00', currency: 'GBP' }, /greater than zero/],
    ['too many decimals for the currency', { ...base, type: 'cash_deposit', amount: '10.005', currency: 'EUR' }, /EUR has 2 decimal places/],
    ['decimals on yen', { ...base, type: 'cash_deposit', amount: '10.5', currency: 'JPY' }, /JPY has 0 decimal places/],
    ['exponent notation', { ...base, type: 'cash_deposit', amount: '1e3', currency: 'EUR' }, /plain positive decimal/],
    ['an amount too large to be exact', { ...base, type: 'cash_deposit', amount: '1234567890123456', currency: 'EUR' }, /amount/],
    ['a lower-case currency', { ...base, type: 'cash_deposit', amount: '1', currency: 'eur' }, /currency/],
    ['an unknown currency', { ...base, type: 'cash_deposit', amount: '1', currency: 'ABC' }, /currency: "ABC" is not an active ISO 4217 currency code/],
    ['a crypto asset as currency', { ...base, type: 'cash_deposit', amount: '1', currency: 'BTC' }, /currency: "BTC" is not an active ISO 4217/],
    ['"no currency" (XXX)', { ...base, type: 'cash_deposit', amount: '1', currency: 'XXX' }, /currency: "XXX" is an ISO 4217 code for something that is not a currency/],
    ['the testing code (XTS)', { ...base, type: 'cash_deposit', amount: '1', currency: 'XTS' }, /not a currency/],
    ['gold (XAU)', { ...base, type: 'cash_deposit', amount: '1', currency: 'XAU' }, /not a currency/],
    ['a withdrawn currency (HRK)', { ...base, type: 'cash_deposit', amount: '1', currency: 'HRK' }, /not an active ISO 4217/],
    ['more decimals than the Kuwaiti dinar has', { ...base, type: 'cash_deposit', amount: '1.0001', currency: 'KWD' }, /KWD has 3 decimal places/],
    ['decimals on the Chilean peso', { ...base, type: 'cash_deposit', amount: '1.5', currency: 'CLP' }, /CLP has 0 decimal places/],
    ['a NUL in a merchant name', { ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, name: 'Shop\u0000' } }, /merchant.name: must be plain text: control character U\+0000/],
    ['a line break in a payee name', { ...base, type: 'transfer_out', amount: '1', currency: 'GBP', counterparty: { ...counterparty, name: 'A\nB' } }, /counterparty.name: must be plain text: control character U\+000A/],
    ['a C1 control in a payee bank', { ...base, type: 'transfer_out', amount: '1', currency: 'GBP', counterparty: { ...counterparty, bank: 'BANK\u0085' } }, /counterparty.bank: must be plain text: control character U\+0085/],
    ['a script tag in a merchant name', { ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, name: '<script>alert(1)</script>' } }, /merchant.name: must be plain text: markup such as "<script>"/],
    ['an event handler in markup', { ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, name: 'x<img src=x onerror=alert(1)' } }, /merchant.name: must be plain text: markup/],
    ['markup in an attribute value', { ...base, type: 'login', attributes: { note: '<b>hi</b>' } }, /attributes.note: must be plain text: markup/],
    ['a control character in an attribute key', { ...base, type: 'login', attributes: { 'k\u0007': 'v' } }, /attributes.*must be plain text: control character U\+0007/],
    ['21 attributes', { ...base, type: 'login', attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }, /at most 20 attributes/],
    ['a nested attribute value', { ...base, type: 'login', attributes: { a: { b: 1 } } }, /attributes.a/],
    ['an offer response without response', { ...base, type: 'offer_response', offer: { offer_id: 'o' } }, /offer.response/],
    ['a missed repayment without days past due', { ...base, type: 'repayment_missed', amount: '1', currency: 'EUR', product: { type: 'loan' } }, /days_past_due/],
    ['a missed repayment of zero days', { ...base, type: 'repayment_missed', amount: '1', currency: 'EUR', product: { type: 'loan' }, days_past_due: 0 }, /days_past_due/],
    ['a balance with too many decimals', { ...base, type: 'balance_snapshot', product: { type: 'credit_card' }, balance: '-1.234', currency: 'EUR' }, /balance: EUR has 2 decimal places/],
    ['a negative credit limit', { ...base, type: 'balance_snapshot', product: { type: 'credit_card' }, balance: '1', currency: 'EUR', credit_limit: '-5' }, /credit_limit:/],
    ['a returned direct debit without its collector', { ...base, type: 'direct_debit_returned', amount: '1', currency: 'EUR' }, /counterparty/],
    ['an array', [], /JSON object/],
    ['null', null, /JSON object/],
  ];
  it.each(INVALID)('rejects %s with a message naming the field', (_name, input, message) => {
    const result = parseEvent(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });

  it('accepts plain text with punctuation, accents and a lone "<" in free-text fields', () => {
    const names = ['Marks & Spencer', 'Café "Zur Post" – Wien', 'A < B Ltd', 'Tesco Express #1234', '北京烤鸭店'];
    for (const name of names) {
      const result = parseEvent({ ...base, type: 'card_payment', amount: '1', currency: 'GBP', merchant: { ...merchant, name } });
      expect(result.ok ? 'ok' : result.errors).toBe('ok');
    }
  });

  it('takes the number of decimals from ISO 4217: 3 for the Kuwaiti dinar, 4 for the Chilean unidad de fomento', () => {
    const kwd = parseEvent({ ...base, type: 'cash_deposit', amount: '1.234', currency: 'KWD' });
    const clf = parseEvent({ ...base, type: 'cash_deposit', amount: '1.2345', currency: 'CLF' });
    expect(kwd.ok && 'amount_minor' in kwd.event ? kwd.event.amount_minor : kwd).toBe(1234);
    expect(clf.ok && 'amount_minor' in clf.event ? clf.event.amount_minor : clf).toBe(12345);
  });

  it('normalises money to decimal text and integer minor units', () => {
    const cases: [string | number, string, string, number][] = [
      ['12.5', 'EUR', '12.50', 1250], [12.5, 'EUR', '12.50', 1250], [0.1, 'EUR', '0.10', 10], ['1000', 'JPY', '1000', 1000],
      ['1.234', 'KWD', '1.234', 1234], ['10.10', 'USD', '10.10', 1010], ['007.00', 'GBP', '7.00', 700],
    ];
    for (const [amount, currency, text, minor] of cases) {
      const result = parseEvent({ ...base, type: 'cash_deposit', amount, currency });
      expect(result.ok && result.event).toMatchObject({ amount: text, amount_minor: minor });
    }
  });

  it('normalises a balance (zero and overdrawn allowed) and its credit limit to decimal text and minor units, and writes them back without the minor units', () => {
    const cases: [string | number, string, number][] = [['-125.4', '-125.40', -12540], ['0', '0.00', 0], ['-0.00', '0.00', 0], [1840.25, '1840.25', 184025]];
    for (const [balance, text, minor] of cases) {
      const result = parseEvent({ ...base, type: 'balance_snapshot', product: { type: 'current_account' }, balance, currency: 'EUR', credit_limit: '500' });
      expect(result.ok && result.event).toMatchObject({ balance: text, balance_minor: minor, credit_limit: '500.00', credit_limit_minor: 50000 });
      if (!result.ok) continue;
      const wire = JSON.parse(toWireEvent(result.event));
      expect(wire).not.toHaveProperty('balance_minor');
      expect(wire).not.toHaveProperty('credit_limit_minor');
      expect(parseEvent(wire)).toEqual(result);
    }
  });

  it('counts a missed repayment and a returned debit as no money moved', () => {
    for (const type of ['repayment_missed', 'direct_debit_returned'] as const) {
      const result = parseEvent({ ...base, type, ...VALID[type] });
      expect(result.ok && moneyDirection(result.event)).toBe('');
    }
    const paid = parseEvent({ ...base, type: 'bill_payment', amount: '42.10', currency: 'EUR' });
    expect(paid.ok && moneyDirection(paid.event)).toBe('out');
  });

  it('writes the wire form without the internal minor units, and it parses back to the same event', () => {
    const parsed = parseEvent({ ...base, type: 'card_payment', ...VALID.card_payment });
    if (!parsed.ok) throw new Error('fixture invalid');
    const wire = toWireEvent(parsed.event);
    expect(JSON.parse(wire)).not.toHaveProperty('amount_minor');
    expect(parseEvent(JSON.parse(wire))).toEqual(parsed);
  });
});
