// The demo's history phase as parts, so `npm run demo`, `npm run demo:backtest` and the test that
// checks a backtest against the live record (test/backtest/demoHistory.test.ts) run the same thing:
// a labelled bank of scenario customers (ids scn-…) with their CRM profiles imported first, its
// months of events posted in time order to an engine on the events clocks, then waited out.
import { TABLES } from '../aggregates/index.js';
import type { Alert } from '../alerts/index.js';
import { digestOf, type BacktestResult, type LiveAlert } from '../backtest/index.js';
import { pseudonymousEventId } from '../core/events/index.js';
import { partitionKeys } from '../core/streams/index.js';
import { MAX_IMPORT_ROWS } from '../customers/index.js';
import type { Engine } from '../server/engine.js';
import { BankSimulator, postEvents, simulatedProfiles, type SimulatedCustomer } from '../simulator/index.js';
import { buildLabelledStream } from '../simulator/scenarios/index.js';

const DAY_MS = 86_400_000;

/** The demo's labelled bank: 150 customers over 300 days, some of them victims of fraud, churners or in credit trouble. */
export const DEMO_HISTORY = { customers: 150, days: 300, fraudShare: 0.12, churnShare: 0.12, creditShare: 0.08 } as const;

/**
 * The settings under which a replayed history behaves as it would have live: offers and reviews
 * on the clock of the events (the history's days), not of the minutes the replay takes.
 */
export const HISTORY_CLOCK_SETTINGS = { VIGIL_OFFER_CLOCK: 'events', VIGIL_SWEEP_CLOCK: 'events', VIGIL_SWEEP_INTERVAL_MS: '200' } as const;

export interface ScenarioHistory {
  /** In time order, ids prefixed `scn-` so they never meet the live feed's. */
  events: Record<string, unknown>[];
  customers: SimulatedCustomer[];
  typologies: string[];
  /**
   * The earliest event: a few episodes (a dormant account's months of use before its silence)
   * begin before the simulated period does, and a backtest from later would not know them.
   */
  startMs: number;
}

export function scenarioHistory(opts: { seed: number; customers?: number; days?: number; endMs?: number }): ScenarioHistory {
  const customers = opts.customers ?? DEMO_HISTORY.customers;
  const days = opts.days ?? DEMO_HISTORY.days;
  const scenario = buildLabelledStream({
    seed: opts.seed, customers, days, start: new Date((opts.endMs ?? Date.now()) - days * DAY_MS),
    fraudShare: DEMO_HISTORY.fraudShare, churnShare: DEMO_HISTORY.churnShare, creditShare: DEMO_HISTORY.creditShare,
  });
  return {
    events: scenario.events.map((e) => ({ ...e, event_id: `scn-${e.event_id}`, customer_id: `scn-${e.customer_id}` })),
    customers: scenarioCustomers(opts.seed, customers),
    typologies: [...new Set(scenario.labels.map((l) => l.typology))],
    startMs: scenario.events.reduce((first, e) => Math.min(first, Date.parse(e.occurred_at)), Infinity),
  };
}

/** The labelled scenario's customers: the simulator's population of that size and seed, with their scn- ids. */
export function scenarioCustomers(seed: number, customers: number = DEMO_HISTORY.customers): SimulatedCustomer[] {
  return new BankSimulator({ customers, seed }).population.map((c) => ({ ...c, id: `scn-${c.id}` }));
}

/** The simulated CRM's profile export imported through the API, as a bank's CRM would send it. */
export async function importProfiles(opts: {
  address: string; marketingKey: string; customers: readonly SimulatedCustomer[]; seed: number; birthdayTodayShare?: number; anniversaryTodayShare?: number;
}): Promise<{ imported: number; rejected: number }> {
  const rows = simulatedProfiles(opts.customers, {
    seed: opts.seed, birthdayTodayShare: opts.birthdayTodayShare ?? 0, anniversaryTodayShare: opts.anniversaryTodayShare ?? 0,
  });
  const total = { imported: 0, rejected: 0 };
  // An import holds at most MAX_IMPORT_ROWS profiles, as a bank's nightly export would be split.
  for (let i = 0; i < rows.length; i += MAX_IMPORT_ROWS) {
    const ndjson = rows.slice(i, i + MAX_IMPORT_ROWS).map((r) => JSON.stringify({ customer_id: r.customerId, ...r.profile })).join('\n');
    const response = await fetch(`${opts.address}/v1/customers/import`, {
      method: 'POST', headers: { authorization: `Bearer ${opts.marketingKey}`, 'content-type': 'application/x-ndjson' }, body: ndjson,
    });
    if (!response.ok) throw new Error(`profile import answered ${response.status}: ${await response.text()}`);
    const report = (await response.json()) as { imported: number; rejected: number };
    total.imported += report.imported;
    total.rejected += report.rejected;
  }
  return total;
}

export async function postHistory(opts: { address: string; ingestKey: string; events: readonly Record<string, unknown>[] }): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < opts.events.length; i += 500) {
    const answer = await postEvents({ url: opts.address, apiKey: opts.ingestKey, events: opts.events.slice(i, i + 500) as never });
    accepted += answer.accepted;
  }
  return accepted;
}

/** Each partition's event clock once the history is stored: the newest event time it processed. */
async function partitionClocks(engine: Engine): Promise<Map<number, number>> {
  const rows = await engine.store.query<{ partition: number; at_ms: number }>(
    `SELECT partition, toUnixTimestamp64Milli(max(occurred_at)) AS at_ms FROM ${engine.store.database}.${TABLES.events} GROUP BY partition`,
  );
  return new Map(rows.map((row) => [Number(row.partition), Number(row.at_ms)]));
}

export interface SettledHistory {
  /** Events stored in ClickHouse. */
  stored: number;
  /** The earliest moment every partition's clock has reached: reviews up to it are all taken. */
  settledUntilMs: number;
}

/**
 * Whether everything the posted history causes is done, or why not: every event stored, every
 * review due by its partition's clock taken, every alert raised and archived. Throws the reason,
 * so callers wait on it with vi.waitFor or `untilSettled`.
 */
export async function historySettled(engine: Engine, posted: number): Promise<SettledHistory> {
  const [{ n } = { n: 0 }] = await engine.store.query<{ n: number }>(`SELECT count() AS n FROM ${engine.store.database}.${TABLES.events}`);
  if (Number(n) < posted) throw new Error(`${n} of ${posted} events stored`);
  const clocks = await partitionClocks(engine);
  const { prefix } = engine.config.redis;
  for (let p = 0; p < engine.config.partitions; p++) {
    const keys = partitionKeys(prefix, p);
    const clock = clocks.get(p);
    const due = clock === undefined ? 0 : await engine.redis.zcount(keys.reviewDue, '-inf', clock);
    if (due > 0) throw new Error(`partition ${p}: ${due} reviews still due`);
    const outbox = await engine.redis.llen(keys.alertOutbox);
    if (outbox > 0) throw new Error(`partition ${p}: ${outbox} alerts in the outbox`);
  }
  const live = (await engine.alerts.store.listAll()).length;
  const [{ archived } = { archived: 0 }] = await engine.store.query<{ archived: number }>(`SELECT uniqExact(id) AS archived FROM ${engine.store.database}.alerts`);
  if (Number(archived) < live) throw new Error(`${archived} of ${live} alerts archived`);
  return { stored: Number(n), settledUntilMs: Math.min(...clocks.values()) };
}

/** Polls `historySettled` until it holds; fails with its last reason after `timeoutMs`. */
export async function untilSettled(engine: Engine, posted: number, timeoutMs: number): Promise<SettledHistory> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await historySettled(engine, posted);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the history did not settle in ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A live alert as a backtest names it: the customer by pseudonym, a review by the pseudonym and its moment. */
export function asReplayed(alert: Alert, pseudonymise: (id: string) => string): LiveAlert {
  const eventId = pseudonymousEventId(alert.triggeringEvents[0]!.eventId, pseudonymise);
  return { type: alert.type, customer: pseudonymise(alert.customerId), eventId, ruleIds: [...alert.ruleIds] };
}

export interface HistoryCheck {
  range: { from: string; to: string };
  events: number;
  reviews: number;
  /** The live alert store's alerts about the range (by triggering event time or review moment). */
  liveStore: number;
  /** Whether the store's alerts, mapped through the pseudonymiser, hash to the replay's digest. */
  storeDigestMatches: boolean;
  result: BacktestResult;
}

/**
 * A backtest of the published set over the settled history, compared alert for alert with the
 * live record: by the backtest itself against the alert archive, and here against the alert store.
 */
export async function backtestAgainstLive(engine: Engine, opts: { fromMs: number; toMs: number; riskKey: string; address: string; timeoutMs: number }): Promise<HistoryCheck> {
  const body = { from: new Date(opts.fromMs).toISOString(), to: new Date(opts.toMs).toISOString() };
  const posted = await fetch(`${opts.address}/v1/rules/backtests`, {
    method: 'POST', headers: { authorization: `Bearer ${opts.riskKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (posted.status !== 202) throw new Error(`backtest refused: ${posted.status} ${await posted.text()}`);
  const { id } = (await posted.json()) as { id: string };
  const deadline = Date.now() + opts.timeoutMs;
  let result: BacktestResult | undefined;
  while (!result) {
    const status = await engine.backtests.status(id);
    if (status.state === 'failed') throw new Error(`backtest failed: ${status.error}`);
    if (status.state === 'done') result = status.result;
    else if (Date.now() > deadline) throw new Error(`backtest not done in ${opts.timeoutMs} ms (${status.state}, ${status.progress.events_read} events read)`);
    else await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const inRange = (alert: Alert) => {
    const trigger = alert.triggeringEvents[0]!;
    const atMs = Date.parse(trigger.occurredAt);
    return atMs >= opts.fromMs && atMs < opts.toMs;
  };
  const store = (await engine.alerts.store.listAll()).filter(inRange).map((alert) => asReplayed(alert, engine.pseudonymise));
  return {
    range: body, events: result!.events_read, reviews: result!.reviews, liveStore: store.length,
    storeDigestMatches: digestOf(store) === result!.live.replayed_digest, result: result!,
  };
}
