import type { EventInput } from '../../core/events/index.js';
import { amountFromGbp } from '../amounts.js';
import { OTHER_BANKS } from '../catalogue.js';
import { complaint } from '../engagement.js';
import { deviceFor, digitalChannel, envelope, homeGeo } from '../envelope.js';
import { TIER_SPEND_FACTOR } from '../population.js';
import { isBranchOpen } from '../rhythm.js';
import {
  DAY_MS, EpisodeWriter, HOUR_MS, eventMs, isScheduled, keptAt, logUniform, newPayee, type Episode, type EpisodeContext,
} from './episode.js';

// Churn happens over weeks: the customer's own activity thins out (in a pattern's own way) until
// they leave, after which nothing of theirs arrives. `endMs` is the latest the customer may leave,
// so the whole pattern fits in the stream.

const ENGAGEMENT_TYPES = new Set(['login', 'login_failed', 'app_session']);

interface Departure {
  readonly startMs: number;
  readonly leaveMs: number;
  /** Stable per episode, for keep-or-drop decisions. */
  readonly seed: number;
}

/**
 * Four to eight weeks from the first sign to leaving. A departure that would run past the stream's
 * end starts that much earlier (back to `earliestStartMs` at most) instead of being squeezed: a
 * customer who drifts away over eight weeks does not do it in three because the simulation stops.
 * Only a stream too short for the whole span still shortens it.
 */
function departure(ctx: EpisodeContext, atMs: number, endMs: number, minDays = 28, maxDays = 56): Departure {
  const spanMs = ctx.rng.between(minDays, maxDays) * DAY_MS;
  const startMs = Math.max(Math.min(atMs, endMs - spanMs), Math.min(atMs, ctx.earliestStartMs ?? atMs));
  const leaveMs = Math.min(endMs, startMs + spanMs);
  return { startMs, leaveMs: Math.max(leaveMs, startMs + DAY_MS), seed: ctx.rng.int(0, 2 ** 31) };
}

/** Share of activity still happening at t: 1 before the start, falling linearly to `floor` at leaving, 0 after. */
function remaining(d: Departure, t: number, floor: number, delayMs = 0): number {
  if (t < d.startMs + delayMs) return 1;
  if (t >= d.leaveMs) return 0;
  const progress = (t - d.startMs - delayMs) / Math.max(1, d.leaveMs - d.startMs - delayMs);
  return 1 - (1 - floor) * progress;
}

function kept(ctx: EpisodeContext, d: Departure, event: EventInput, floor: number, delayMs = 0): boolean {
  const t = eventMs(event);
  if (t >= d.leaveMs) return false;
  return keptAt(d.seed, ctx.customer.id, t, remaining(d, t, floor, delayMs));
}

/** Card payments, transfers and logins thin to a trickle; pay and direct debits run until the day they leave. */
export function activityDecline(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const d = departure(ctx, atMs, endMs);
  return {
    events: [],
    label: { kind: 'churn', typology: 'activity-decline', firstBad: { fromMs: d.startMs } },
    keepBase: (event) => (isScheduled(event) ? eventMs(event) < d.leaveMs : kept(ctx, d, event, 0.05)),
  };
}

/** Pay goes to another bank from the next payday; spending here carries on a while, then dwindles. */
export function salaryStopped(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const d = departure(ctx, atMs, endMs, 28, 63);
  const grace = ctx.rng.between(7, 21) * DAY_MS;
  return {
    events: [],
    label: { kind: 'churn', typology: 'salary-stopped', firstBad: { fromMs: d.startMs } },
    keepBase: (event) => {
      if (event.type === 'salary_credit') return eventMs(event) < d.startMs;
      return kept(ctx, d, event, 0.1, grace);
    },
  };
}

/** Growing transfers to the customer's own new account elsewhere, a last sweep, then silence. */
export function outflowsToOtherBanks(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const d = departure(ctx, atMs, endMs);
  const writer = new EpisodeWriter(ctx);
  const ownAccount = newPayee(rng, ctx, { bank: rng.pick(OTHER_BANKS), country: customer.homeCountry, name: 'Own account' });
  const scale = Math.sqrt(TIER_SPEND_FACTOR[customer.tier]);
  const count = rng.int(3, 8);
  const firstGbp = rng.between(100, 400) * scale;
  const lastGbp = rng.between(1000, 4000) * scale;
  const spanMs = d.leaveMs - d.startMs - DAY_MS;
  for (let i = 0; i < count; i++) {
    const share = count === 1 ? 1 : i / (count - 1);
    const gbp = firstGbp * (lastGbp / firstGbp) ** share * rng.logNormal(1, 0.15);
    const t = d.startMs + share * spanMs + rng.between(0, 12) * HOUR_MS;
    writer.add(t, (id, at) => ownTransfer(ctx, ownAccount, gbp, id, at));
  }
  writer.add(d.leaveMs - rng.between(1, 20) * HOUR_MS, (id, at) => ownTransfer(ctx, ownAccount, logUniform(rng, 300, 6000) * scale, id, at));
  return {
    events: writer.events,
    label: { kind: 'churn', typology: 'outflows-to-other-banks', firstBad: { eventId: writer.events[0]!.event_id } },
    keepBase: (event) => kept(ctx, d, event, 0.3),
  };
}

/** Complaints that are not put right, then the account (or another product) closed. */
export function complaintsThenClosure(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const { rng, customer } = ctx;
  const d = departure(ctx, atMs, endMs, 21, 56);
  const writer = new EpisodeWriter(ctx);
  const count = rng.int(2, 4);
  const spanMs = Math.max(DAY_MS, d.leaveMs - d.startMs - 2 * DAY_MS);
  const times = [d.startMs, ...Array.from({ length: count - 1 }, () => d.startMs + rng.next() * spanMs)].sort((a, b) => a - b);
  for (const t of times) writer.add(t, (id, at) => complaint(writer.eventContext, customer, id, at));
  const product = rng.weighted([['current_account', 5], ['savings', 2], ['credit_card', 2]] as const);
  const channel = isBranchOpen(d.leaveMs) && rng.chance(0.3) ? 'branch' : digitalChannel(rng, customer);
  writer.add(d.leaveMs, (id, at) => ({
    type: 'product_closed', ...envelope(id, customer, at, channel),
    ...(channel === 'branch' ? {} : { device: deviceFor(rng, customer, channel) }),
    product: { type: product, id: `${product.replace('_', '-')}-${customer.id.slice(5)}`, closure_reason: 'customer_request' },
  }));
  // A resolution the bank sends after the customer has gone is not part of their story here.
  writer.dropAfter(d.leaveMs);
  const firstComplaint = writer.events.filter((e) => e.type === 'complaint').reduce((a, b) => (a.occurred_at <= b.occurred_at ? a : b));
  return {
    events: writer.events,
    label: { kind: 'churn', typology: 'complaints-then-closure', firstBad: { eventId: firstComplaint.event_id } },
    keepBase: (event) => kept(ctx, d, event, 0.5),
  };
}

/** The app is opened less and less; payments fade more slowly, then stop. */
export function appSessionsFading(ctx: EpisodeContext, atMs: number, endMs: number): Episode {
  const d = departure(ctx, atMs, endMs);
  return {
    events: [],
    label: { kind: 'churn', typology: 'app-sessions-fading', firstBad: { fromMs: d.startMs } },
    keepBase: (event) => {
      if (ENGAGEMENT_TYPES.has(event.type)) return kept(ctx, d, event, 0);
      return isScheduled(event) ? eventMs(event) < d.leaveMs : kept(ctx, d, event, 0.6);
    },
  };
}

function ownTransfer(ctx: EpisodeContext, payee: ReturnType<typeof newPayee>, gbp: number, id: string, at: number): EventInput {
  const { rng, customer } = ctx;
  const channel = digitalChannel(rng, customer);
  return {
    type: 'transfer_out', ...envelope(id, customer, at, channel),
    amount: amountFromGbp(gbp, customer.currency), currency: customer.currency,
    // The bank confirmed the name on the new account is the customer's own (own_account).
    counterparty: { id: payee.id, account: payee.account, bank: payee.bank, country: payee.country, name: payee.name, own_account: true },
    device: deviceFor(rng, customer, channel), geo: homeGeo(rng, customer),
  };
}
