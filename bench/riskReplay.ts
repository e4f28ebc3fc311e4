// The pure risk assessment alone: a labelled stream replayed in memory (backtest/), no Redis, no
// HTTP. `npm run bench -- --only riskreplay` builds the seed-42 stream in process and times the
// replay with the default rule pack and, as the reference, with no rules (features and segment
// alone). `npx tsx bench/riskReplay.ts --from-dir <saved stream> [--rules empty] [--limit N]
// [--runs N] [--alerts out.jsonl] [--states out.txt]` replays a stream saved by `npm run evaluate
// -- --out`, and writes the alerts (JSON, in order) and the final per-customer states (encoded) so
// two versions of the code can be diffed.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { replayContext, replayHistory } from '../backtest/index.js';
import { loadConfig } from '../config/index.js';
import { parseEvent, type EventInput, type VigilEvent } from '../core/events/index.js';
import { loadLabelledStream } from '../evaluation/streamFiles.js';
import { buildLabelledStream } from '../simulator/scenarios/index.js';
import { encodeRiskState } from '../risk/riskState.js';
import type { RuleSet } from '../rules/index.js';

export interface RiskReplayFigures {
  events: number;
  reviews: number;
  alerts: number;
  seconds: number;
  /** CPU time of this process during the replay (user + system): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  eventsPerSecond: number;
}

/** Events as ingest hands them on; parsed before any timing, since parsing is not the assessment. */
export function parsedForReplay(inputs: readonly EventInput[]): VigilEvent[] {
  return inputs.map((input) => {
    const parsed = parseEvent(input);
    if (!parsed.ok) throw new Error(`event ${input.event_id} would be refused at ingest: ${parsed.errors.join('; ')}`);
    return parsed.event;
  });
}

/** An empty rule set: the features and the segment alone, the reference the rules are held against. */
export function withoutRules(ruleSet: RuleSet): RuleSet {
  return { ...ruleSet, rules: [] };
}

/** One timed replay of already parsed events. */
export function timeRiskReplay(events: readonly VigilEvent[], ruleSet?: (rules: RuleSet) => RuleSet) {
  const base = replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk);
  const context = ruleSet ? { ...base, ruleSet: ruleSet(base.ruleSet) } : base;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const outcome = replayHistory(events, context);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const figures: RiskReplayFigures = {
    events: outcome.events, reviews: outcome.reviews, alerts: outcome.alerts.length, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, eventsPerSecond: outcome.events / seconds,
  };
  return { figures, outcome };
}

/** What the in-memory backtests are asked to reach (issue 9). */
const TARGET_EVENTS_PER_SECOND = 50_000;

/** The npm run bench phase: the seed-42 stream of `npm run evaluate`, built here, replayed with and without rules. */
export function benchRiskReplay(): void {
  const stream = buildLabelledStream({
    seed: 42, customers: 2000, days: 120, start: new Date('2026-01-05T00:00:00Z'), fraudShare: 0.05, churnShare: 0.05, creditShare: 0.03,
  });
  const events = parsedForReplay(stream.events);
  const reference = timeRiskReplay(events, withoutRules).figures;
  const rules = timeRiskReplay(events).figures;
  // CPU time beside wall time: on a shared machine the wall figure says as much about the neighbours.
  const rate = (figures: RiskReplayFigures) => `${Math.round(figures.eventsPerSecond).toLocaleString('en-GB')} ev/s `
    + `(${Math.round(figures.events / figures.cpuSeconds).toLocaleString('en-GB')} ev/s of CPU)`;
  console.log(`in-memory risk replay (seed 42: ${rules.events.toLocaleString('en-GB')} events of 2,000 customers over 120 days, `
    + `${rules.reviews.toLocaleString('en-GB')} reviews, ${rules.alerts.toLocaleString('en-GB')} alerts): ${rate(rules)} `
    + `(target ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-GB')} ev/s: ${(rules.eventsPerSecond / TARGET_EVENTS_PER_SECOND).toFixed(2)}); `
    + `without rules (features and segment alone) ${rate(reference)}: ratio ${(rules.eventsPerSecond / reference.eventsPerSecond).toFixed(2)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'from-dir': { type: 'string', default: '/tmp/perf42' },
      rules: { type: 'string', default: 'default' },
      limit: { type: 'string' },
      runs: { type: 'string', default: '1' },
      alerts: { type: 'string' },
      states: { type: 'string' },
    },
  });
  const stream = await loadLabelledStream(values['from-dir']);
  const inputs = values.limit ? stream.events.slice(0, Number(values.limit)) : stream.events;
  const events = parsedForReplay(inputs);
  for (let run = 0; run < Number(values.runs); run++) {
    const { figures, outcome } = timeRiskReplay(events, values.rules === 'empty' ? withoutRules : undefined);
    console.log(`risk replay: ${figures.events} events, ${figures.reviews} reviews, ${figures.alerts} alerts in ${figures.seconds.toFixed(2)} s = ${Math.round(figures.eventsPerSecond)} ev/s (CPU ${figures.cpuSeconds.toFixed(2)} s = ${Math.round(figures.events / figures.cpuSeconds)} ev/s of CPU)`);
    if (run === 0 && values.alerts) writeFileSync(values.alerts, `${outcome.alerts.map((alert) => JSON.stringify(alert)).join('\n')}\n`);
    if (run === 0 && values.states) {
      const lines = [...outcome.states].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([customer, state]) => `${customer}\t${encodeRiskState(state)}`);
      writeFileSync(values.states, `${lines.join('\n')}\n`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
