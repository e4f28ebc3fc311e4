import type { Channel, EventInput, EventType } from '../core/events/index.js';
import type { EventContext } from './envelope.js';
import {
  branchVisit, callCentreContact, complaint, deviceAdded, login, loginFailed, passwordReset, productChange, profileChange,
} from './engagement.js';
import type { SimulatedCustomer } from './population.js';
import { isBranchOpen, isCallCentreOpen } from './rhythm.js';
import { adHocBillPayment, cardPayment, cashDeposit, cashWithdrawal, transferIn, transferOut } from './transactions.js';

/**
 * The channels each simulated event type may arrive on. Salary, direct debits and loan
 * repayments are scheduled by the calendar; sessions, refunds and resolutions follow other events.
 */
export const CHANNELS_BY_TYPE: Readonly<Partial<Record<EventType, readonly Channel[]>>> = {
  card_payment: ['pos', 'ecommerce'],
  card_refund: ['pos', 'ecommerce'],
  transfer_out: ['mobile_app', 'web', 'core_banking'],
  transfer_in: ['core_banking'],
  cash_withdrawal: ['atm'],
  cash_deposit: ['atm', 'branch'],
  salary_credit: ['core_banking'],
  bill_payment: ['core_banking', 'mobile_app', 'web'],
  loan_repayment: ['core_banking'],
  login: ['mobile_app', 'web'],
  login_failed: ['mobile_app', 'web'],
  app_session: ['mobile_app', 'web'],
  password_reset: ['mobile_app', 'web', 'call_centre'],
  device_added: ['mobile_app', 'web'],
  profile_change: ['mobile_app', 'web', 'branch', 'call_centre'],
  branch_visit: ['branch'],
  call_centre_contact: ['call_centre'],
  complaint: ['mobile_app', 'web', 'branch', 'call_centre'],
  product_opened: ['mobile_app', 'web', 'branch'],
  product_closed: ['mobile_app', 'web', 'branch'],
};

type SpontaneousBuilder = (ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number) => EventInput;

/** Events a customer starts on their own, as opposed to scheduled or follow-up ones. */
const SPONTANEOUS = {
  card_payment: cardPayment,
  transfer_out: transferOut,
  transfer_in: transferIn,
  cash_withdrawal: cashWithdrawal,
  atm_deposit: (ctx, customer, id, at) => cashDeposit(ctx, customer, id, at, false),
  branch_deposit: (ctx, customer, id, at) => cashDeposit(ctx, customer, id, at, true),
  bill_payment: adHocBillPayment,
  login,
  login_failed: loginFailed,
  password_reset: passwordReset,
  device_added: deviceAdded,
  profile_change: profileChange,
  branch_visit: branchVisit,
  call_centre_contact: callCentreContact,
  complaint,
  product_opened: (ctx, customer, id, at) => productChange(ctx, customer, id, at, true),
  product_closed: (ctx, customer, id, at) => productChange(ctx, customer, id, at, false),
} satisfies Record<string, SpontaneousBuilder>;

export type SpontaneousActivity = keyof typeof SPONTANEOUS;
export type ActivityMix = readonly (readonly [SpontaneousActivity, number])[];

/** Relative frequency of each activity for one customer: spenders spend, app users log in. */
export function activityMix(customer: SimulatedCustomer): ActivityMix {
  const offline = 1.3 - customer.digitalActivity;
  const { branch, call_centre: phone } = customer.preferredChannels;
  return [
    ['card_payment', 42 * customer.spendingPropensity],
    ['transfer_out', 5],
    ['transfer_in', 2.5],
    ['cash_withdrawal', 3 * offline],
    ['atm_deposit', 0.3 * offline],
    ['branch_deposit', 2 * branch * offline],
    ['bill_payment', 0.8],
    ['login', 22 * customer.digitalActivity],
    ['login_failed', 0.5 * customer.digitalActivity],
    ['password_reset', 0.12],
    ['device_added', 0.06],
    ['profile_change', 0.2],
    ['branch_visit', 8 * branch],
    ['call_centre_contact', 8 * phone],
    ['complaint', 0.04],
    ['product_opened', 0.05],
    ['product_closed', 0.03],
  ];
}

/** How much of the bank's traffic a customer generates, relative to others. */
export function activityWeight(mix: ActivityMix): number {
  return mix.reduce((sum, [, weight]) => sum + weight, 0);
}

/** Branch and phone activities happen only while those are open; everything else any time. */
export function availableMix(mix: ActivityMix, atMs: number): ActivityMix {
  const branchOpen = isBranchOpen(atMs);
  const phonesOpen = isCallCentreOpen(atMs);
  if (branchOpen && phonesOpen) return mix;
  return mix.map(([activity, weight]) => {
    if (!branchOpen && (activity === 'branch_visit' || activity === 'branch_deposit')) return [activity, 0] as const;
    if (!phonesOpen && activity === 'call_centre_contact') return [activity, 0] as const;
    return [activity, weight] as const;
  });
}

export function buildSpontaneous(activity: SpontaneousActivity, ctx: EventContext, customer: SimulatedCustomer, eventId: string, atMs: number): EventInput {
  return SPONTANEOUS[activity](ctx, customer, eventId, atMs);
}
