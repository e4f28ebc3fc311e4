import type { EventInput } from '../../core/events/index.js';
import { FIRST_NAMES, LAST_NAMES } from '../catalogue.js';
import type { EventBuilder, EventContext } from '../envelope.js';
import type { MerchantDirectory } from '../merchants.js';
import type { SimulatedCustomer } from '../population.js';
import { deriveSeed, type SeededRandom } from '../random.js';
import type { ChurnNoiseKind, ChurnPattern, CreditNoiseKind, CreditPattern, FraudTypology, LaterCreditNoiseKind, LaterNoiseKind, NoiseKind } from './labels.js';

// What every injector shares: its inputs, its output, and a writer that mints event ids and lets
// the simulator's own event builders (login, cardPayment, complaint …) be reused, follow-ups and all.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface EpisodeContext {
  /** A customer of the simulated population: their devices, payees, home, salary and currency. */
  readonly customer: SimulatedCustomer;
  readonly rng: SeededRandom;
  readonly merchants: MerchantDirectory;
  /** Prefix of this episode's event ids, unique per customer and episode. */
  readonly idPrefix: string;
  /**
   * The earliest a slow change may be moved back to so that all of it fits before the stream ends
   * (churn: once the customer has a habit to break). Without it, nothing is moved.
   */
  readonly earliestStartMs?: number;
}

/** How the label's first bad event is found once the stream is assembled. */
export type FirstBad = { readonly eventId: string } | { readonly fromMs: number };

export interface PendingLabel {
  readonly kind: 'fraud' | 'churn' | 'credit';
  readonly typology: FraudTypology | ChurnPattern | CreditPattern;
  readonly firstBad: FirstBad;
}

export interface Episode {
  /** Extra events, in any order: the stream builder sorts. */
  readonly events: readonly EventInput[];
  readonly label?: PendingLabel;
  readonly noise?: { readonly kind: NoiseKind | LaterNoiseKind | CreditNoiseKind | LaterCreditNoiseKind | ChurnNoiseKind; readonly atMs: number };
  /** Which of the customer's ordinary simulated events still happen; absent means all of them. */
  readonly keepBase?: (event: EventInput) => boolean;
}

export class EpisodeWriter {
  readonly events: EventInput[] = [];
  /** For the simulator's builders: their follow-ups (sessions, resolutions) land in this episode. */
  readonly eventContext: EventContext;
  private count = 0;

  constructor(private readonly ctx: EpisodeContext) {
    this.eventContext = { rng: ctx.rng, merchants: ctx.merchants, followUp: (atMs, build) => void this.add(atMs, build) };
  }

  add(atMs: number, build: EventBuilder): EventInput {
    const event = build(`${this.ctx.idPrefix}-${this.count++}`, Math.round(atMs));
    this.events.push(event);
    return event;
  }

  /** Drops what a builder's follow-ups scheduled past a point the story cannot go beyond. */
  dropAfter(lastMs: number): void {
    const kept = this.events.filter((event) => Date.parse(event.occurred_at) <= lastMs);
    this.events.splice(0, this.events.length, ...kept);
  }
}

/** Log-uniform: amounts and delays spread over orders of magnitude without favouring the top. */
export function logUniform(rng: SeededRandom, min: number, max: number): number {
  return Math.exp(rng.between(Math.log(min), Math.log(max)));
}

/** A device the bank has never seen: a fraudster's phone, emulator or browser. */
export function unknownDevice(rng: SeededRandom): { id: string; ip: string } {
  return { id: `dev-${rng.int(0, 0xffffff).toString(16).padStart(6, '0')}${rng.int(0, 0xfff).toString(16)}`, ip: hostingIp(rng) };
}

/** Addresses from hosting, VPN and foreign mobile ranges rather than UK home broadband. */
export function hostingIp(rng: SeededRandom): string {
  const first = rng.pick([5, 23, 37, 41, 45, 102, 103, 154, 179, 188, 194, 197]);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export interface NewPayeeOptions {
  bank: string;
  country: string;
  /** Shown as the payee name, e.g. a company; a person's name otherwise. */
  name?: string;
}

/** A payee the customer has never paid: an id and account nobody else in the book uses. */
export function newPayee(rng: SeededRandom, ctx: EpisodeContext, opts: NewPayeeOptions) {
  const tag = rng.int(0, 0xffffff).toString(36);
  const bankCode = opts.bank.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase().padEnd(4, 'X');
  const digits = Array.from({ length: 14 }, () => rng.int(0, 9)).join('');
  return {
    id: `payee-${ctx.customer.id.slice(5)}-n${tag}`,
    name: opts.name ?? `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
    account: `${opts.country}${rng.int(10, 99)}${bankCode}${digits}`,
    bank: opts.bank,
    country: opts.country,
  };
}

/**
 * A stable keep-or-drop decision for thinning a customer's activity: the same customer and
 * half-hour always decide alike, so a login and the session right after it go together.
 */
export function keptAt(seed: number, customerId: string, atMs: number, probability: number): boolean {
  if (probability >= 1) return true;
  if (probability <= 0) return false;
  const bucket = Math.floor(atMs / (30 * MINUTE_MS));
  return deriveSeed(seed, `${customerId}:${bucket}`) / 2 ** 32 < probability;
}

export function eventMs(event: EventInput): number {
  return Date.parse(event.occurred_at);
}

/** Everything a customer does through the core system rather than by hand: pay, direct debits, standing orders. */
export function isScheduled(event: EventInput): boolean {
  return event.channel === 'core_banking';
}
