import { randomBytes } from 'node:crypto';

import { formatMinorUnits, type EventInput } from '../core/events/index.js';

// Synthetic but realistic bank traffic for load tests. Deterministic in (runId, n): a failing run
// can be replayed event for event, and every event of a run has its own event_id, so the ingest
// API's idempotency check never turns a load test into a duplicate-rejection test.

interface Merchant {
  id: string;
  mcc: string;
  country: string;
  name: string;
  currency: string;
  /** Typical basket in minor units of `currency`: [min, max). */
  range: [number, number];
}

const MERCHANTS: readonly Merchant[] = [
  { id: 'm-tesco-0042', mcc: '5411', country: 'GB', name: 'Tesco Metro', currency: 'GBP', range: [150, 9_000] },
  { id: 'm-rewe-1187', mcc: '5411', country: 'DE', name: 'REWE', currency: 'EUR', range: [200, 12_000] },
  { id: 'm-uber-eu', mcc: '4121', country: 'NL', name: 'Uber BV', currency: 'EUR', range: [700, 6_500] },
  { id: 'm-zalando', mcc: '5651', country: 'DE', name: 'Zalando SE', currency: 'EUR', range: [1_999, 25_000] },
  { id: 'm-mediamarkt-07', mcc: '5732', country: 'ES', name: 'MediaMarkt', currency: 'EUR', range: [2_500, 180_000] },
  { id: 'm-pret-221', mcc: '5812', country: 'GB', name: 'Pret A Manger', currency: 'GBP', range: [350, 2_200] },
  { id: 'm-lawson-tokyo', mcc: '5499', country: 'JP', name: 'Lawson', currency: 'JPY', range: [120, 4_000] },
  { id: 'm-amazon-us', mcc: '5942', country: 'US', name: 'Amazon.com', currency: 'USD', range: [899, 30_000] },
];

const BANKS = ['DEUTDEFF', 'BNPAFRPP', 'INGBNL2A', 'BARCGB22', 'CAIXESBB'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'ES'] as const;
const EMPLOYERS = ['Acme GmbH', 'Globex BV', 'Initech Ltd', 'Umbrella SA'] as const;

/** Event mix by cumulative weight (out of 100), roughly what a retail bank sees. */
const MIX: ReadonlyArray<[number, (ctx: BuildContext) => EventInput]> = [
  [55, cardPayment],
  [57, cardRefund],
  [67, transferOut],
  [72, cashWithdrawal],
  [75, billPayment],
  [77, salaryCredit],
  [94, login],
  [97, loginFailed],
  [100, appSession],
];

export interface SampleEventOptions {
  /** How many distinct customers the run spreads over (they hash onto partitions). */
  customers?: number;
  /** Event time; each event lands up to 5 s before it, as real senders batch and retry. */
  now?: Date;
}

interface BuildContext {
  eventId: string;
  customerId: string;
  occurredAt: string;
  rand: () => number;
}

/** A short id for one load-test run; event ids are `<runId>-<n>`. */
export function newRunId(prefix = 'lt'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** The n-th event of a run. */
export function sampleEvent(runId: string, n: number, opts: SampleEventOptions = {}): EventInput {
  const rand = mulberry32(hashString(runId) ^ Math.imul(n + 1, 0x9e3779b1));
  const customers = opts.customers ?? 50_000;
  const now = (opts.now ?? new Date()).getTime();
  const ctx: BuildContext = {
    eventId: `${runId}-${n}`,
    customerId: `cust-${String(Math.floor(rand() * customers)).padStart(6, '0')}`,
    occurredAt: new Date(now - Math.floor(rand() * 5_000)).toISOString(),
    rand,
  };
  const roll = rand() * 100;
  const build = MIX.find(([upTo]) => roll < upTo)?.[1] ?? login;
  return build(ctx);
}

/** `size` consecutive events of a run starting at the first-th. */
export function sampleBatch(runId: string, first: number, size: number, opts: SampleEventOptions = {}): EventInput[] {
  return Array.from({ length: size }, (_, i) => sampleEvent(runId, first + i, opts));
}

function cardPayment(ctx: BuildContext): EventInput {
  const merchant = pick(ctx.rand, MERCHANTS);
  const online = ctx.rand() < 0.4;
  return {
    type: 'card_payment',
    ...envelope(ctx),
    channel: online ? 'ecommerce' : 'pos',
    amount: amountIn(ctx.rand, merchant.currency, merchant.range),
    currency: merchant.currency,
    merchant: { id: merchant.id, mcc: merchant.mcc, country: merchant.country, name: merchant.name },
    ...(online ? { device: device(ctx) } : { geo: { country: merchant.country } }),
    attributes: { card_present: !online, entry_mode: online ? 'ecom' : 'contactless' },
  };
}

function cardRefund(ctx: BuildContext): EventInput {
  const merchant = pick(ctx.rand, MERCHANTS);
  return {
    type: 'card_refund',
    ...envelope(ctx),
    channel: 'ecommerce',
    amount: amountIn(ctx.rand, merchant.currency, merchant.range),
    currency: merchant.currency,
    merchant: { id: merchant.id, mcc: merchant.mcc, country: merchant.country, name: merchant.name },
  };
}

function transferOut(ctx: BuildContext): EventInput {
  const country = pick(ctx.rand, COUNTRIES);
  return {
    type: 'transfer_out',
    ...envelope(ctx),
    channel: ctx.rand() < 0.7 ? 'mobile_app' : 'web',
    amount: amountIn(ctx.rand, 'EUR', [1_000, 500_000]),
    currency: 'EUR',
    counterparty: {
      account: `${country}${digits(ctx.rand, 20)}`,
      bank: pick(ctx.rand, BANKS),
      country,
      name: 'J. Doe',
    },
    device: device(ctx),
    geo: { country: 'DE' },
  };
}

function cashWithdrawal(ctx: BuildContext): EventInput {
  const amount = 20 * (1 + Math.floor(ctx.rand() * 15));
  return {
    type: 'cash_withdrawal',
    ...envelope(ctx),
    channel: 'atm',
    amount: `${amount}.00`,
    currency: 'EUR',
    geo: { country: pick(ctx.rand, COUNTRIES) },
    attributes: { atm_id: `atm-${digits(ctx.rand, 5)}` },
  };
}

function billPayment(ctx: BuildContext): EventInput {
  return {
    type: 'bill_payment',
    ...envelope(ctx),
    channel: 'web',
    amount: amountIn(ctx.rand, 'EUR', [2_000, 40_000]),
    currency: 'EUR',
    counterparty: { id: `biller-${digits(ctx.rand, 4)}`, name: 'Stadtwerke', country: 'DE' },
  };
}

function salaryCredit(ctx: BuildContext): EventInput {
  return {
    type: 'salary_credit',
    ...envelope(ctx),
    channel: 'core_banking',
    amount: amountIn(ctx.rand, 'EUR', [180_000, 750_000]),
    currency: 'EUR',
    counterparty: { name: pick(ctx.rand, EMPLOYERS), bank: pick(ctx.rand, BANKS), country: 'DE' },
  };
}

function login(ctx: BuildContext): EventInput {
  return { type: 'login', ...envelope(ctx), channel: ctx.rand() < 0.8 ? 'mobile_app' : 'web', device: device(ctx), geo: { country: pick(ctx.rand, COUNTRIES) } };
}

function loginFailed(ctx: BuildContext): EventInput {
  return { type: 'login_failed', ...envelope(ctx), channel: 'web', device: device(ctx), attributes: { reason: 'bad_password' } };
}

function appSession(ctx: BuildContext): EventInput {
  return { type: 'app_session', ...envelope(ctx), channel: 'mobile_app', device: device(ctx), attributes: { duration_s: 30 + Math.floor(ctx.rand() * 600) } };
}

function envelope(ctx: BuildContext) {
  return { event_id: ctx.eventId, customer_id: ctx.customerId, occurred_at: ctx.occurredAt };
}

function device(ctx: BuildContext) {
  const octet = () => Math.floor(ctx.rand() * 254) + 1;
  return { id: `dev-${ctx.customerId.slice(5)}-${Math.floor(ctx.rand() * 3)}`, ip: `10.${octet()}.${octet()}.${octet()}` };
}

/** A decimal string in the currency's own minor unit (so JPY has none), never a float. */
function amountIn(rand: () => number, currency: string, [min, max]: [number, number]): string {
  return formatMinorUnits(min + Math.floor(rand() * (max - min)), currency);
}

function digits(rand: () => number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += Math.floor(rand() * 10);
  return text;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
