import type { EventInput } from '../../core/events/index.js';
import { formatMinorUnits } from '../../core/events/index.js';
import { amountText, minorFromGbp, roundSum } from '../amounts.js';
import { OTHER_BANKS } from '../catalogue.js';
import { deviceFor, digitalChannel, envelope, homeGeo } from '../envelope.js';
import { TIER_SPEND_FACTOR, type Payee, type SimulatedCustomer } from '../population.js';
import { deriveSeed, SeededRandom } from '../random.js';
import { DAY_MS, EpisodeWriter, HOUR_MS, eventMs, newPayee, type Episode, type EpisodeContext } from './episode.js';

// Credit, as the lending systems report it: a monthly statement snapshot of each credit card
// (balance owed, limit), the card's repayment, loan instalments missed and later paid, direct
// debits returned unpaid. Card holders get a statement book (genuine: most revolve a modest
// balance, some spend near the limit and pay it off in full); four patterns of real credit
// trouble and five genuine look-alikes sit on top. One pattern is invisible to the lending
// systems: short-term loans from online lenders, seen only as transfers in and out.

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

/** Online short-term lenders: the bank knows them only as the counterparty of transfers in and out. */
const SHORT_TERM_LENDERS: readonly Payee[] = [
  ['QuidNow Ltd', 'QNOW', 'GB'], ['Speedy Pounds plc', 'SPDY', 'GB'], ['Kredito Express AB', 'KRDX', 'SE'],
  ['Fastlane Finance p.l.c.', 'FSTL', 'MT'], ['Monedo Now AS', 'MNDO', 'EE'], ['Paydayly Ltd', 'PDLY', 'IE'],
].map(([name, bank, country], i) => ({
  id: `lender-${bank!.toLowerCase()}`, name: name!, bank: `${bank}${country}22`, country: country!,
  account: `${country}${String(31 + 7 * i).padStart(2, '0')}${bank}${String(4_170_000_000_000 + 97_531 * i).padStart(14, '0')}`,
}));

function transferFrom(customer: SimulatedCustomer, payer: Payee, minor: number) {
  return (id: string, atMs: number): EventInput => ({
    type: 'transfer_in', ...envelope(id, customer, atMs, 'core_banking'), amount: amountText(minor, customer.currency), currency: customer.currency,
    counterparty: { id: payer.id, account: payer.account, bank: payer.bank, country: payer.country, name: payer.name },
  });
}

function transferTo(ctx: EpisodeContext, payee: Payee, minor: number) {
  const { customer, rng } = ctx;
  return (id: string, atMs: number): EventInput => {
    const channel = digitalChannel(rng, customer);
    return {
      type: 'transfer_out', ...envelope(id, customer, atMs, channel), amount: amountText(minor, customer.currency), currency: customer.currency,
      counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name },
      device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer),
    };
  };
}

/** The current account's monthly statement: its balance (negative when overdrawn) and the arranged overdraft. */
function accountStatement(customer: SimulatedCustomer, limitMinor: number, balanceMinor: number) {
  return (id: string, atMs: number): EventInput => ({
    type: 'balance_snapshot', ...envelope(id, customer, atMs, 'core_banking'),
    product: { type: 'current_account', id: `ca-${customer.id.slice(5)}` },
    balance: formatMinorUnits(Math.round(balanceMinor), customer.currency), currency: customer.currency,
    credit_limit: amountText(limitMinor, customer.currency),
  });
}

interface ShortTermLoan {
  readonly lender: Payee;
  readonly minor: number;
  readonly dueMs: number;
}

/**
 * A payday-loan spiral. Short before payday, the customer borrows a round 10–35 % of a month's pay
 * (at most the 1,000 or so such lenders allow) from an online lender, and, short again a week or
 * so later, from a second, a third, up to four lenders one after another. Each loan is repaid with
 * 8–30 % in fees when due, two to four weeks after it came; that leaves the customer short again,
 * so within days of each repayment (sometimes just before it, the new loan paying the old) they
 * borrow again: from the same lender more often than not (it offers its repeat customer more),
 * else from another without a loan open. They keep at it for eight to twelve weeks; the loans
 * still open after that are repaid as they fall due. Three in four have an arranged overdraft,
 * whose monthly statement slides a tenth to a third of the limit deeper each month. Nothing of it
 * reaches the lending systems: the trouble shows only in the account.
 */
export function paydayLoans(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { customer, rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const lenders = shuffled(ctx, SHORT_TERM_LENDERS).slice(0, rng.int(2, 4));
  const borrowingEndsMs = atMs + rng.between(56, 84) * DAY_MS;
  const capMinor = minorFromGbp(1000, customer.currency);
  const open: ShortTermLoan[] = [];
  const borrow = (lender: Payee, at: number) => {
    const minor = roundSum(Math.min(capMinor, rng.between(0.1, 0.35) * customer.monthlySalaryMinor), customer.currency);
    writer.add(at, transferFrom(customer, lender, minor));
    open.push({ lender, minor, dueMs: at + rng.between(14, 31) * DAY_MS });
  };
  let firstLoanMs = atMs;
  for (const lender of lenders) {
    borrow(lender, firstLoanMs);
    firstLoanMs += rng.between(4, 12) * DAY_MS;
  }
  while (open.length > 0) {
    open.sort((a, b) => a.dueMs - b.dueMs);
    const loan = open.shift()!;
    const repaidMs = loan.dueMs + rng.between(0, 3) * DAY_MS;
    if (repaidMs >= endMs) break;
    writer.add(repaidMs, transferTo(ctx, loan.lender, loan.minor * rng.between(1.08, 1.3)));
    if (repaidMs >= borrowingEndsMs || !rng.chance(0.85)) continue;
    // A lender will not lend again while a loan of its own is open.
    const others = lenders.filter((lender) => lender !== loan.lender && !open.some((other) => other.lender === lender));
    const next = others.length === 0 || rng.chance(0.6) ? loan.lender : rng.pick(others);
    borrow(next, repaidMs + rng.between(-3, 5) * DAY_MS);
  }
  if (rng.chance(0.75)) {
    const limit = Math.max(minorFromGbp(250, customer.currency), Math.round((customer.monthlySalaryMinor * rng.between(0.3, 0.8)) / 10_000) * 10_000);
    const statementDay = rng.int(1, 28);
    let overdrawn = rng.between(-0.4, 0.15);
    for (let month = -2; ; month++) {
      const start = new Date(atMs);
      const at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, statementDay, 3);
      if (at >= endMs) break;
      if (at < atMs - 40 * DAY_MS) continue;
      if (at > atMs) overdrawn = Math.min(1, overdrawn + rng.between(0.1, 0.33));
      writer.add(at, accountStatement(customer, limit, -overdrawn * limit));
    }
  }
  writer.dropAfter(endMs);
  return { events: writer.events, label: { kind: 'credit', typology: 'payday-loans', firstBad: { fromMs: atMs } } };
}

function shuffled<T>(ctx: EpisodeContext, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = ctx.rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
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

/**
 * A friend or relative tides the customer over: a round 100–800 lent, paid back in full two to
 * eight weeks later, in one transfer or two; one time in four rounded up a little (3–15 %: a bottle
 * of wine). Half the time it is someone the customer pays now and then anyway. The look-alike of a
 * loan repaid with a fee (`lenders_repaid_with_fee_60d`).
 */
export function friendLoanRepaid(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { customer, rng } = ctx;
  const writer = new EpisodeWriter(ctx);
  const friend = customer.payees.length > 0 && rng.chance(0.5)
    ? rng.pick(customer.payees)
    : newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry });
  const lent = roundSum(minorFromGbp(rng.between(100, 800) * Math.sqrt(TIER_SPEND_FACTOR[customer.tier]), customer.currency), customer.currency);
  writer.add(atMs, transferFrom(customer, friend, lent));
  const back = rng.chance(0.25) ? lent * rng.between(1.03, 1.15) : lent;
  const repaidMs = atMs + rng.between(14, 56) * DAY_MS;
  if (rng.chance(0.3)) {
    const first = Math.round(back / 2);
    writer.add(repaidMs - rng.between(7, 14) * DAY_MS, transferTo(ctx, friend, first));
    writer.add(repaidMs, transferTo(ctx, friend, back - first));
  } else {
    writer.add(repaidMs, transferTo(ctx, friend, back));
  }
  writer.dropAfter(endMs);
  return { events: writer.events, noise: { kind: 'friend-loan-repaid', atMs } };
}
