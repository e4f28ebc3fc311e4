import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, openAggregateStore, pseudonymisingStore, toEventRow, type AggregateStore } from '../../aggregates/index.js';
import { ClickHouseHistory, defaultRuleSet, replayContext, replayHistory, runBacktest, type BacktestResult } from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { parseEvent, type VigilEvent } from '../../core/events/index.js';
import { pseudonymiser } from '../../core/privacy/index.js';
import { buildLabelledStream } from '../../simulator/scenarios/index.js';
import { tempDataDir } from '../aggregates/fixtures.js';

// A backtest reads ClickHouse page by page and must replay exactly the history the in-memory
// replay sees when handed every event at once: a small simulated bank (150 customers, 45 days,
// card testing and account takeover among them), archived as the engine archives it.

const data = tempDataDir();
const pseudonymise = pseudonymiser('a-backtest-test-key-of-32-characters-at-least');
const risk = loadConfig({}, { allowGeneratedKeys: true }).risk;
const stream = buildLabelledStream({
  seed: 2026, customers: 150, days: 45, start: new Date('2026-03-02T00:00:00Z'),
  fraudShare: 0.2, churnShare: 0.05, fraudTypologies: ['card-testing', 'account-takeover'],
});
const events: VigilEvent[] = stream.events.map((input) => {
  const parsed = parseEvent(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.event;
});
const range = { fromMs: Date.parse(stream.meta.start), toMs: Date.parse(stream.meta.end) };
const published = defaultRuleSet();
const candidate = { ...published, version: 'without-card-testing', rules: published.rules.filter((rule) => rule.id !== 'card-testing') };

let raw: AggregateStore;
let result: BacktestResult;
const progress: number[] = [];

beforeAll(async () => {
  raw = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_backtest' });
  // Raw identifiers kept, so the stored payloads carry what the in-memory replay sees (IPs for
  // the network features); customers are pseudonyms all the same.
  const store = pseudonymisingStore(raw, { pseudonymise, rawIdentifiers: true });
  const rows = events.map((event, i) => toEventRow(event, { partition: 0, streamId: `${i}-0`, ingestedAtMs: 0, processedAtMs: 0 }));
  for (let i = 0; i < rows.length; i += 5000) await store.insertRows(TABLES.events, rows.slice(i, i + 5000));
  result = await runBacktest({ ...range, published, candidate }, {
    history: new ClickHouseHistory(raw), context: (ruleSet) => replayContext(risk, ruleSet), pageSize: 1000,
    onProgress: async (p) => void progress.push(p.events_read),
  });
}, 120_000);
afterAll(async () => {
  await raw?.close();
  data.remove();
});

const replayed = new Map<string, ReturnType<typeof replayHistory>>();

/** What the in-memory replay raises over the same events in the order ClickHouse returns them. */
function inMemory(ruleSet: typeof published) {
  const known = replayed.get(ruleSet.version);
  if (known) return known;
  const ordered = events
    .map((event) => ({ ...event, customer_id: pseudonymise(event.customer_id) }))
    .sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at) || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
  const outcome = replayHistory(ordered, replayContext(risk, ruleSet));
  replayed.set(ruleSet.version, outcome);
  return outcome;
}

function byRule(alerts: { ruleIds: string[] }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const alert of alerts) for (const id of alert.ruleIds) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

describe('a backtest over ClickHouse', () => {
  it('reads every stored event of the range once, a page at a time, and reports its progress after each page', () => {
    expect(result.events_read).toBe(events.length);
    expect(result.events_unreadable).toBe(0);
    const pages = Math.ceil(events.length / 1000);
    // One report per page, then one at the end of the range.
    expect(progress).toHaveLength(pages + 1);
    expect(progress.slice(0, 3)).toEqual([1000, 2000, 3000]);
    expect(progress.at(-1)).toBe(events.length);
    expect(result.events_per_second).toBeGreaterThan(0);
  });

  it('raises what the in-memory replay raises over the same history, rule by rule', () => {
    const expected = inMemory(published);
    expect(expected.alerts.length).toBeGreaterThan(50);
    expect(result.published.alerts).toBe(expected.alerts.length);
    expect(result.published.by_rule).toEqual(byRule(expected.alerts));
    expect(result.published.customers_alerted).toBe(new Set(expected.alerts.map((a) => a.customerId)).size);
    expect(result.candidate!.by_rule).toEqual(byRule(inMemory(candidate).alerts));
  });

  it('finds the dropped rule in the alerts only the published set raises, and nothing the candidate adds', () => {
    const cardTestingOnly = inMemory(published).alerts.filter((a) => a.ruleIds.length === 1 && a.ruleIds[0] === 'card-testing').length;
    expect(cardTestingOnly).toBeGreaterThan(0);
    expect(result.comparison).toMatchObject({ only_published: cardTestingOnly, only_candidate: 0, only_published_by_rule: { 'card-testing': cardTestingOnly } });
    expect(result.comparison!.both).toBe(result.candidate!.alerts);
  });

  it('keeps to [from, to): nothing before from, nothing from to on', async () => {
    const history = new ClickHouseHistory(raw);
    const day = Date.parse('2026-03-10T00:00:00Z');
    const inDay = events.filter((e) => Date.parse(e.occurred_at) >= day && Date.parse(e.occurred_at) < day + 86_400_000).length;
    let read = 0;
    for await (const page of history.eventPages({ fromMs: day, toMs: day + 86_400_000 }, 7)) {
      for (const event of page.events) {
        expect(Date.parse(event.occurred_at)).toBeGreaterThanOrEqual(day);
        expect(Date.parse(event.occurred_at)).toBeLessThan(day + 86_400_000);
      }
      read += page.events.length;
    }
    expect(inDay).toBeGreaterThan(7);
    expect(read).toBe(inDay);
    expect(await history.countEvents({ fromMs: day, toMs: day + 86_400_000 })).toBe(inDay);
  });
});

describe('ranges at the edges of time', () => {
  it('reads a range from year 0 to 9999 as every stored event, without a ClickHouse error', async () => {
    const history = new ClickHouseHistory(raw);
    const everything = { fromMs: Date.parse('0000-01-01T00:00:00Z'), toMs: Date.parse('9999-12-31T23:59:59Z') };
    expect(await history.countEvents(everything)).toBe(events.length);
    expect(await history.labelledAlerts(everything)).toEqual([]);
  });
});
