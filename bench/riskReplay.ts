// The pure risk assessment alone: a saved labelled stream replayed in memory (backtest/), no Redis,
// no HTTP. `npx tsx bench/riskReplay.ts --from-dir /tmp/perf42 [--rules empty] [--limit N]
// [--alerts out.json] [--states out.txt]` prints events/s; the alerts (JSON, in order) and the
// final per-customer states (encoded) can be written out so two versions of the code can be diffed.
// npm run bench runs the same replay over a stream it builds itself (bench/run.ts).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { replayContext, replayHistory } from '../backtest/index.js';
import { loadConfig } from '../config/index.js';
import { parseEvent, type EventInput, type VigilEvent } from '../core/events/index.js';
import { loadLabelledStream } from '../evaluation/streamFiles.js';
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
