import type { EventInput } from '../core/events/index.js';
import { activityMix, activityWeight, availableMix, buildSpontaneous, type ActivityMix } from './activity.js';
import type { EventBuilder, EventContext } from './envelope.js';
import type { MerchantDirectory } from './merchants.js';
import { buildPopulation, type SimulatedCustomer } from './population.js';
import { SeededRandom, deriveSeed } from './random.js';
import { PEAK_INTENSITY, activityIntensity } from './rhythm.js';
import { DueEventQueue, monthIndexOf, monthlyDate } from './schedule.js';
import { directDebit, loanRepayment, salaryCredit } from './transactions.js';

export interface SimulatorOptions {
  customers: number;
  seed: number;
  /** Simulated clock start, default now. */
  start?: Date;
  /** Simulated seconds per real second, default 1. */
  speed?: number;
  /**
   * Events per real second the caller will draw, default 200. Together with `speed` it sets how
   * far each event moves the clock, so a live feed at `rate` keeps occurred_at near real time.
   */
  rate?: number;
}

export const DEFAULT_SIMULATOR_RATE = 200;
/**
 * How far, in real seconds, the clock may run ahead of or behind where a caller drawing `rate`
 * events per second expects it. Quiet nights push the clock ahead and busy lunches hold it back;
 * at speed 1 these bounds keep a live demo near now (and barely in the future, which no bank
 * system would send), while at high speeds they span hours and the daily shape shows in full.
 */
const MAX_LEAD_REAL_SECONDS = 5;
const MAX_LAG_REAL_SECONDS = 60;

interface MonthlyPlan {
  readonly dayOfMonth: number;
  readonly weekendToFriday: boolean;
  readonly firstMinute: number;
  readonly windowMinutes: number;
  readonly build: EventBuilder;
}

export class BankSimulator {
  readonly population: readonly SimulatedCustomer[];
  private readonly merchants: MerchantDirectory;
  private readonly rng: SeededRandom;
  private readonly due = new DueEventQueue();
  private readonly context: EventContext;
  private readonly mixes: readonly ActivityMix[];
  /** Running totals of activity weight, for picking a customer in proportion to how active they are. */
  private readonly cumulativeWeight: Float64Array;
  private readonly startMs: number;
  private readonly msPerEvent: number;
  private readonly maxLeadMs: number;
  private readonly maxLagMs: number;
  private readonly idPrefix: string;
  private clockMs: number;
  private emitted = 0;
  private spontaneousEmitted = 0;
  private pendingSpontaneousMs: number | undefined;

  constructor(opts: SimulatorOptions) {
    const { customers, seed, speed = 1, rate = DEFAULT_SIMULATOR_RATE } = opts;
    const start = opts.start ?? new Date();
    if (!Number.isInteger(customers) || customers < 1) throw new RangeError(`customers must be a positive integer, got ${customers}`);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number, got ${rate}`);
    if (Number.isNaN(start.getTime())) throw new RangeError('start must be a valid date');

    const population = buildPopulation(customers, new SeededRandom(deriveSeed(seed, 'population')));
    this.population = population.customers;
    this.merchants = population.merchants;
    this.rng = new SeededRandom(deriveSeed(seed, 'stream'));
    this.context = { rng: this.rng, merchants: this.merchants, followUp: (atMs, build) => this.due.add(atMs, build) };
    this.mixes = this.population.map(activityMix);
    this.cumulativeWeight = new Float64Array(this.mixes.length);
    let total = 0;
    this.mixes.forEach((mix, index) => (this.cumulativeWeight[index] = total += activityWeight(mix)));

    this.startMs = start.getTime();
    this.clockMs = this.startMs;
    this.msPerEvent = (1000 * speed) / rate;
    this.maxLeadMs = MAX_LEAD_REAL_SECONDS * 1000 * speed;
    this.maxLagMs = MAX_LAG_REAL_SECONDS * 1000 * speed;
    // The start instant is part of the id so two live runs with one seed do not collide in dedup.
    this.idPrefix = `evt-${seed}-${Math.floor(this.startMs / 1000).toString(36)}-`;
    const month = monthIndexOf(this.startMs);
    for (const customer of this.population) this.bookCalendar(customer, month);
  }

  /** The simulated clock now: the occurred_at of the last event handed out. */
  get clock(): Date {
    return new Date(this.clockMs);
  }

  /** Next n events in non-decreasing occurred_at order, advancing the simulated clock by the rhythm. */
  next(n: number): EventInput[] {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    const events: EventInput[] = [];
    for (let i = 0; i < n; i++) events.push(this.emitOne());
    return events;
  }

  private emitOne(): EventInput {
    const spontaneousAt = (this.pendingSpontaneousMs ??= this.drawSpontaneousTime());
    const eventId = `${this.idPrefix}${this.emitted}`;
    this.emitted++;
    const due = this.due.peek();
    if (due && due.atMs <= spontaneousAt) {
      this.due.pop();
      this.clockMs = Math.max(this.clockMs, due.atMs);
      const event = due.build(eventId, this.clockMs);
      due.then?.();
      return event;
    }
    this.pendingSpontaneousMs = undefined;
    this.spontaneousEmitted++;
    this.clockMs = spontaneousAt;
    return this.spontaneous(eventId, spontaneousAt);
  }

  /**
   * When the next customer-initiated event happens. Lewis–Shedler thinning: candidates at the
   * week's peak rate, each kept with probability intensity/peak, form a Poisson process that
   * follows the daily shape exactly. Follow-ups and calendar events take their share of the
   * requested rate, so the spontaneous rate is scaled down by their observed proportion.
   */
  private drawSpontaneousTime(): number {
    const share = this.emitted === 0 ? 1 : this.emitted / Math.max(1, this.spontaneousEmitted);
    const meanGapAtPeak = (this.msPerEvent * share) / PEAK_INTENSITY;
    let atMs = this.clockMs;
    for (let attempt = 0; attempt < 10_000; attempt++) {
      atMs += this.rng.exponential(meanGapAtPeak);
      if (this.rng.next() * PEAK_INTENSITY < activityIntensity(atMs)) break;
    }
    const expectedMs = this.startMs + (this.emitted + 1) * this.msPerEvent;
    const pinned = Math.min(Math.max(atMs, expectedMs - this.maxLagMs), expectedMs + this.maxLeadMs);
    return Math.max(this.clockMs, pinned);
  }

  private spontaneous(eventId: string, atMs: number): EventInput {
    const index = this.pickCustomerIndex();
    const customer = this.population[index] as SimulatedCustomer;
    const activity = this.rng.weighted(availableMix(this.mixes[index] as ActivityMix, atMs));
    return buildSpontaneous(activity, this.context, customer, eventId, atMs);
  }

  private pickCustomerIndex(): number {
    const weights = this.cumulativeWeight;
    const target = this.rng.next() * (weights[weights.length - 1] ?? 0);
    let low = 0;
    let high = weights.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((weights[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Payday, direct debits and loan repayments recur monthly whatever else the customer does. */
  private bookCalendar(customer: SimulatedCustomer, month: number): void {
    const rng = this.rng;
    this.bookMonthly(month, {
      dayOfMonth: customer.salaryDay, weekendToFriday: true, firstMinute: 6 * 60, windowMinutes: 120,
      build: (id, at) => salaryCredit(customer, rng.chance(0.3) ? rng.logNormal(1, 0.05) : 1, id, at),
    });
    for (const debit of customer.directDebits) {
      this.bookMonthly(month, {
        dayOfMonth: debit.dayOfMonth, weekendToFriday: false, firstMinute: 6 * 60, windowMinutes: 240,
        build: (id, at) => directDebit(customer, debit, rng.logNormal(1, 0.12), id, at),
      });
    }
    const { loan } = customer;
    if (!loan) return;
    this.bookMonthly(month, {
      dayOfMonth: loan.dayOfMonth, weekendToFriday: false, firstMinute: 7 * 60, windowMinutes: 120,
      build: (id, at) => loanRepayment(customer, loan, id, at),
    });
  }

  /** Books one month's occurrence; emitting it books the next, so each month happens exactly once. */
  private bookMonthly(month: number, plan: MonthlyPlan): void {
    const offsetMs = (plan.firstMinute + this.rng.next() * plan.windowMinutes) * 60_000;
    const atMs = Math.floor(monthlyDate(month, plan.dayOfMonth, plan.weekendToFriday) + offsetMs);
    if (atMs < this.startMs) {
      this.bookMonthly(month + 1, plan);
      return;
    }
    this.due.add(atMs, plan.build, () => this.bookMonthly(month + 1, plan));
  }
}
