import fc from 'fast-check';
import type { VigilEvent } from '../../core/events/index.js';
import { ev, T0 } from './builders.js';

const TYPES = [
  'card_payment', 'card_payment', 'card_payment', 'card_refund', 'transfer_out', 'transfer_in', 'cash_withdrawal',
  'cash_deposit', 'salary_credit', 'bill_payment', 'login', 'login', 'login_failed', 'password_reset',
  'device_added', 'profile_change', 'app_session', 'complaint', 'product_opened', 'product_closed',
] as const;

const amountArb = fc.oneof(
  fc.integer({ min: 1, max: 500 }).map((cents) => (cents / 100).toFixed(2)),
  fc.integer({ min: 1, max: 5_000_00 }).map((cents) => (cents / 100).toFixed(2)),
);

/** One event of a varied mix, at T0 + offsetMs; small pools so merchants, payees etc. repeat. */
export function eventArb(maxOffsetMs: number): fc.Arbitrary<VigilEvent> {
  return fc
    .record({
      type: fc.constantFrom(...TYPES),
      offset: fc.integer({ min: 0, max: maxOffsetMs }),
      amount: amountArb,
      merchant: fc.integer({ min: 1, max: 6 }),
      mcc: fc.constantFrom('5411', '5812', '4829', '7995'),
      country: fc.constantFrom('DE', 'FR', 'GB', 'NG'),
      device: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      geo: fc.option(fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: -120, max: 120 })), { nil: undefined }),
      payee: fc.integer({ min: 1, max: 5 }),
      bank: fc.constantFrom(undefined, 'VIGIL', 'OTHERBANK'),
      complaintId: fc.integer({ min: 1, max: 3 }),
      resolved: fc.boolean(),
      /** undefined keeps the type's usual channel (builders.ts); the rest move it elsewhere. */
      channel: fc.constantFrom(undefined, undefined, 'mobile_app', 'web', 'branch', 'call_centre', 'atm'),
    })
    .map((r) => {
      const fields: Record<string, unknown> = {};
      if (r.channel !== undefined) fields.channel = r.channel;
      if (r.device !== undefined) fields.device = { id: `dev-${r.device}` };
      if (r.geo) fields.geo = { country: r.country, lat: r.geo[0], lon: r.geo[1] };
      switch (r.type) {
        case 'card_payment':
        case 'card_refund':
          Object.assign(fields, { amount: r.amount, merchant: { id: `m-${r.merchant}`, mcc: r.mcc, country: r.country } });
          break;
        case 'transfer_out':
          Object.assign(fields, { amount: r.amount, counterparty: { id: `payee-${r.payee}`, country: r.country, ...(r.bank ? { bank: r.bank } : {}) } });
          break;
        case 'transfer_in':
          // Senders known or not: strangers paying in (new_payers_*), now and then someone the
          // customer also pays (a friend, a lender paid back: borrowing.ts), and now and then the
          // customer's own account elsewhere (savings brought in, not income).
          Object.assign(fields, {
            amount: r.amount,
            counterparty: { id: r.bank === 'OTHERBANK' ? `payee-${r.payee}` : `payer-${r.payee}`, ...(r.bank === 'VIGIL' ? { own_account: true } : {}) },
          });
          break;
        case 'cash_withdrawal':
        case 'cash_deposit':
        case 'salary_credit':
        case 'bill_payment':
          fields.amount = r.amount;
          break;
        case 'complaint':
          fields.complaint = { id: `c-${r.complaintId}`, category: 'fees', status: r.resolved ? 'resolved' : 'opened' };
          break;
        default:
          break;
      }
      return ev(r.type, T0 + r.offset, fields);
    });
}

export function eventsArb(maxOffsetMs: number, maxLength = 40): fc.Arbitrary<VigilEvent[]> {
  return fc.array(eventArb(maxOffsetMs), { minLength: 1, maxLength });
}

export const byTime = (a: VigilEvent, b: VigilEvent) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at);
export const newestMs = (events: readonly VigilEvent[]) => Math.max(...events.map((e) => Date.parse(e.occurred_at)));
