import type { EventInput } from '../../core/events/index.js';
import { amountText, minorFromGbp } from '../amounts.js';
import { envelope } from '../envelope.js';
import type { SimulatedCustomer } from '../population.js';
import { deriveSeed, SeededRandom } from '../random.js';
import { DAY_MS, EpisodeWriter, HOUR_MS, eventMs, type Episode, type EpisodeContext } from './episode.js';

// Credit, as the lending systems report it: a monthly statement snapshot of each credit card
// (balance owed, limit), the card's repayment, loan instalments missed and later paid, direct
// debits returned unpaid. Card holders get a statement book (genuine: most revolve a modest
// balance, some spend near the limit and pay it off in full); three patterns of real credit
// trouble and four genuine look-alikes sit on top.

/** Whether the customer holds a credit card: a draw of their own, apart from every other random stream. */
export function holdsCreditCard(customer: SimulatedCustomer, seed: number): boolean {
  const rng = new SeededRandom(deriveSeed(seed, `credit-card:${customer.id}`));
  return rng.chance(customer.tier === 'mass' ? 0.2 : 0.5);
}

interface CardLine {
  readonly id: string;
  readonly limitMinor: number;
  /** Day of month the statement is drawn. */
  readonly statementDay: number;
}

/** The customer's card: the same in every episode that touches it (its own draw, by customer). */
function cardLine(ctx: EpisodeContext): CardLine {
  const { customer } = ctx;
  const rng = new SeededRandom(deriveSeed(0, `card-line:${customer.id}`));
  const salary = customer.monthlySalaryMinor;
  // A limit of one to two months' pay, in round hundreds.
  const limit = Math.max(minorFromGbp(500, customer.currency), Math.round((salary * rng.between(1, 2)) / 10_000) * 10_000);
  return { id: `cc-${customer.id.slice(5)}`, limitMinor: limit, statementDay: rng.int(1, 28) };
}

function statementDates(line: CardLine, fromMs: number, toMs: number): number[] {
  const dates: number[] = [];
  const start = new Date(fromMs);
  for (let m = 0; ; m++) {
    const at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + m, line.statementDay, 3);
    if (at >= toMs) return dates;
    if (at >= fromMs) dates.push(at);
  }
}

function snapshot(customer: SimulatedCustomer, line: CardLine, owedMinor: number): (id: string, atMs: number) => EventInput {
  return (id, atMs) => ({
    type: 'balance_snapshot', ...envelope(id, customer, atMs, 'core_banking'),
    product: { type: 'credit_card', id: line.id },
    balance: amountText(Math.max(1, Math.round(owedMinor)), customer.currency),
    currency: customer.currency,
    credit_limit: amountText(line.limitMinor, customer.currency),
  });
}

/** A repayment of a card, loan or mortgage, which cures its arrears. */
function repayment(customer: SimulatedCustomer, product: { type: 'credit_card' | 'loan' | 'mortgage'; id: string }, minor: number) {
  return (id: string, atMs: number): EventInput => ({
    type: 'loan_repayment', ...envelope(id, customer, atMs, 'core_banking'),
    amount: amountText(minor, customer.currency), currency: customer.currency, product,
  });
}

function missedRepayment(customer: SimulatedCustomer, product: { type: 'credit_card' | 'loan' | 'mortgage'; id: string }, minor: number, daysPastDue: number) {
  return (id: string, atMs: number): EventInput => ({
    type: 'repayment_missed', ...envelope(id, customer, atMs, 'core_banking'),
    amount: amountText(minor, customer.currency), currency: customer.currency, product, days_past_due: daysPastDue,
  });
}

function returnedDebit(ctx: EpisodeContext) {
  const { customer, rng } = ctx;
  const debit = customer.directDebits.length > 0 ? rng.pick(customer.directDebits) : undefined;
  return (id: string, atMs: number): EventInput => ({
    type: 'direct_debit_returned', ...envelope(id, customer, atMs, 'core_banking'),
    amount: amountText(debit?.amountMinor ?? minorFromGbp(45, customer.currency), customer.currency), currency: customer.currency,
    counterparty: { name: debit?.merchant.name ?? 'City Energy', id: debit?.merchant.id ?? 'utility-1' },
  });
}

function cashAdvance(ctx: EpisodeContext, line: CardLine, gbp: number) {
  const { customer } = ctx;
  return (id: string, atMs: number): EventInput => ({
    type: 'cash_withdrawal', ...envelope(id, customer, atMs, 'atm'),
    amount: amountText(minorFromGbp(gbp, customer.currency), customer.currency), currency: customer.currency,
    product: { type: 'credit_card', id: line.id },
  });
}

function bet(ctx: EpisodeContext, gbp: number) {
  const { customer, rng } = ctx;
  const site = rng.pick(['bet-1', 'bet-2', 'bet-3']);
  return (id: string, atMs: number): EventInput => ({
    type: 'card_payment', ...envelope(id, customer, atMs, 'ecommerce'),
    amount: amountText(minorFromGbp(gbp, customer.currency), customer.currency), currency: customer.currency,
    merchant: { id: `${site}-${customer.homeCountry.toLowerCase()}`, mcc: '7995', country: customer.homeCountry, name: 'Online betting' },
    entry_mode: 'online',
  });
}

/** A loan to miss: the customer's own, or, for those without one, a small personal loan. */
function loanOf(ctx: EpisodeContext): { product: { type: 'loan' | 'mortgage'; id: string }; instalmentMinor: number } {
  const { loan } = ctx.customer;
  if (loan) return { product: { type: loan.product, id: loan.id }, instalmentMinor: loan.amountMinor };
  return { product: { type: 'loan', id: `loan-${ctx.customer.id.slice(5)}` }, instalmentMinor: minorFromGbp(ctx.rng.between(120, 350), ctx.customer.currency) };
}

/**
 * Every card holder's ordinary statements: a revolver carries 10–60 % of the limit and drifts a
 * little month to month; a transactor (a third) spends 50–92 % of it and repays in full, so a
 * high balance on the statement is routine for them.
 */
export function creditBook(ctx: EpisodeContext, fromMs: number, toMs: number): Episode {
  const { customer, rng } = ctx;
  const line = cardLine(ctx);
  const writer = new EpisodeWriter(ctx);
  const transactor = rng.chance(1 / 3);
  let share = transactor ? rng.between(0.5, 0.92) : rng.between(0.1, 0.6);
  for (const at of statementDates(line, fromMs, toMs)) {
    share = transactor ? Math.min(0.95, Math.max(0.4, share + rng.between(-0.06, 0.06))) : Math.min(0.7, Math.max(0.05, share + rng.between(-0.05, 0.05)));
    const owed = share * line.limitMinor;
    writer.add(at, snapshot(customer, line, owed));
    writer.add(at + rng.between(12, 20) * DAY_MS, repayment(customer, { type: 'credit_card', id: line.id }, transactor ? owed : Math.max(owed * 0.05, minorFromGbp(25, customer.currency))));
  }
  return { events: writer.events };
}

/**
 * Income falls away (pay stops or halves), the card fills up statement by statement, a direct
 * debit bounces, then a loan instalment is missed and is still unpaid at the next month's report.
 */
export function arrearsSpiral(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { customer, rng } = ctx;
  const line = cardLine(ctx);
  const writer = new EpisodeWriter(ctx);
  const loan = loanOf(ctx);
  let share = rng.between(0.3, 0.55);
  const statements = statementDates(line, atMs - 40 * DAY_MS, endMs);
  for (const at of statements) {
    if (at > atMs) share = Math.min(0.99, share + rng.between(0.15, 0.3));
    writer.add(at, snapshot(customer, line, share * line.limitMinor));
  }
  writer.add(atMs + rng.between(14, 24) * DAY_MS, returnedDebit(ctx));
  const missedAt = atMs + rng.between(25, 40) * DAY_MS;
  const firstDpd = rng.int(3, 12);
  writer.add(missedAt, missedRepayment(customer, loan.product, loan.instalmentMinor, firstDpd));
  writer.add(missedAt + 30 * DAY_MS, missedRepayment(customer, loan.product, loan.instalmentMinor * 2, firstDpd + 30));
  const own = loan.product.id;
  writer.dropAfter(endMs);
  return {
    events: writer.events,
    label: { kind: 'credit', typology: 'arrears-spiral', firstBad: { fromMs: atMs } },
    keepBase: (event) => {
      if (eventMs(event) < atMs) return true;
      // Pay stops (a lost job), and the loan is not repaid any more.
      if (event.type === 'salary_credit') return false;
      return !(event.type === 'loan_repayment' && event.product?.id === own);
    },
  };
}

/**
 * Borrowing to live: the card climbs to its limit over two or three statements, cash is drawn
 * on it, a growing part of the spending goes to betting, then the minimum payment is missed.
 */
export function cardMaxing(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { customer, rng } = ctx;
  const line = cardLine(ctx);
  const writer = new EpisodeWriter(ctx);
  let share = rng.between(0.2, 0.45);
  for (const at of statementDates(line, atMs - 40 * DAY_MS, endMs)) {
    if (at > atMs) share = Math.min(0.99, share + rng.between(0.25, 0.4));
    writer.add(at, snapshot(customer, line, share * line.limitMinor));
  }
  const advances = rng.int(2, 4);
  for (let i = 0; i < advances; i++) writer.add(atMs + rng.between(10, 45) * DAY_MS + rng.between(9, 22) * HOUR_MS, cashAdvance(ctx, line, rng.between(100, 400)));
  const bets = rng.int(8, 20);
  for (let i = 0; i < bets; i++) writer.add(atMs + rng.between(0, 45) * DAY_MS + rng.between(18, 23) * HOUR_MS, bet(ctx, rng.logNormal(60, 0.6)));
  writer.add(atMs + rng.between(40, 55) * DAY_MS, missedRepayment(customer, { type: 'credit_card', id: line.id }, minorFromGbp(rng.between(40, 120), customer.currency), rng.int(5, 15)));
  writer.dropAfter(endMs);
  return { events: writer.events, label: { kind: 'credit', typology: 'card-maxing', firstBad: { fromMs: atMs } } };
}

/** Instalments missed month after month, each paid late, until one is not paid at all. */
export function missedRepayments(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { customer, rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const loan = loanOf(ctx);
  const months = rng.int(2, 3);
  for (let i = 0; i < months; i++) {
    const missedAt = atMs + i * 30 * DAY_MS;
    const dpd = rng.int(3, 15);
    writer.add(missedAt, missedRepayment(customer, loan.product, loan.instalmentMinor, dpd));
    if (i < months - 1) {
      writer.add(missedAt + rng.between(4, 12) * DAY_MS, repayment(customer, loan.product, loan.instalmentMinor));
    }
  }
  writer.dropAfter(endMs);
  const own = loan.product.id;
  return {
    events: writer.events,
    label: { kind: 'credit', typology: 'missed-repayments', firstBad: { fromMs: atMs } },
    keepBase: (event) => eventMs(event) < atMs || !(event.type === 'loan_repayment' && event.product?.id === own),
  };
}

// ---------------------------------------------------------------- genuine look-alikes

/** An instalment a few days late once (a new bank account, a holiday), then paid. */
export function oneOffLatePayment(ctx: EpisodeContext, atMs: number): Episode {
  const { customer, rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const loan = loanOf(ctx);
  writer.add(atMs, missedRepayment(customer, loan.product, loan.instalmentMinor, rng.int(1, 12)));
  writer.add(atMs + rng.between(1, 9) * DAY_MS, repayment(customer, loan.product, loan.instalmentMinor));
  return { events: writer.events, noise: { kind: 'one-off-late-payment', atMs } };
}

/** One direct debit returned (the salary came a day late), paid by hand a few days after. */
export function oneReturnedDebit(ctx: EpisodeContext, atMs: number): Episode {
  const writer = new EpisodeWriter(ctx);
  writer.add(atMs, returnedDebit(ctx));
  return { events: writer.events, noise: { kind: 'returned-direct-debit', atMs } };
}

/**
 * A holiday paid on the card: one statement near the limit, cash drawn abroad once, and the next
 * statement back to normal. Only card holders take it (the statement book gives them their card).
 */
export function holidayOnTheCard(ctx: EpisodeContext, atMs: number): Episode {
  const { customer, rng } = ctx;
  const line = cardLine(ctx);
  const writer = new EpisodeWriter(ctx);
  writer.add(atMs, cashAdvance(ctx, line, rng.between(80, 250)));
  const [statement] = statementDates(line, atMs, atMs + 40 * DAY_MS);
  if (statement !== undefined) writer.add(statement + HOUR_MS, snapshot(customer, line, rng.between(0.85, 0.98) * line.limitMinor));
  return { events: writer.events, noise: { kind: 'holiday-on-the-card', atMs } };
}

/** A flutter on a big race or a cup final: a few bets in a week, a small share of the month's spending. */
export function occasionalFlutter(ctx: EpisodeContext, atMs: number): Episode {
  const { rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const bets = rng.int(1, 4);
  for (let i = 0; i < bets; i++) writer.add(atMs + rng.between(0, 6) * DAY_MS + rng.between(12, 21) * HOUR_MS, bet(ctx, rng.logNormal(12, 0.5)));
  return { events: writer.events, noise: { kind: 'occasional-flutter', atMs } };
}
