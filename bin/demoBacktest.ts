// npm run demo:backtest — does a backtest of the published set reproduce what the live pipeline
// raised? Runs the demo's history phase (bin/demoHistory.ts: the labelled bank's CRM profiles, then
// its months of events through the real engine on the events clocks, the default pack plus the
// model rule) on a Redis prefix and ClickHouse directory of its own, waits until every event,
// review and alert is done, backtests the published set over the whole range and compares the two
// alert for alert. Exit 0 when they are the same set, 1 when they differ (the differences printed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, type ApiRole } from '../config/index.js';
import { createLogger } from '../core/observability/index.js';
import { createRedis, deleteKeysMatching } from '../core/redis.js';
import { startEngine } from '../server/engine.js';
import { runCli, usageError } from './cli.js';
import { demoModelSettings } from './demoModel.js';
import { DEMO_HISTORY, HISTORY_CLOCK_SETTINGS, backtestAgainstLive, importProfiles, postHistory, scenarioHistory, untilSettled } from './demoHistory.js';

const USAGE = `npm run demo:backtest -- [--customers ${DEMO_HISTORY.customers}] [--days ${DEMO_HISTORY.days}] [--seed 42] [--json]

Runs the demo's labelled history through the engine, then a backtest of the published rule set
over it, and compares the backtest's alerts with the live ones (type, customer, triggering event
or review moment, rule ids). Redis at REDIS_URL under a prefix of its own; ClickHouse embedded
in a temporary directory. Exit 0 identical, 1 different or failed, 2 bad options.`;

const optionsSchema = z.object({
  customers: z.coerce.number().int().min(1).max(5000),
  days: z.coerce.number().int().min(7).max(390),
  seed: z.coerce.number().int(),
  json: z.boolean(),
});
type Options = z.infer<typeof optionsSchema>;

function readOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string', default: String(DEMO_HISTORY.customers) },
      days: { type: 'string', default: String(DEMO_HISTORY.days) },
      seed: { type: 'string', default: '42' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw usageError(parsed.error);
  return parsed.data;
}

async function run(opts: Options): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-demo-backtest-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    VIGIL_REDIS_PREFIX: `demobt${Date.now().toString(36)}`,
    VIGIL_DATA_DIR: dataDir,
    ...HISTORY_CLOCK_SETTINGS,
    ...demoModelSettings(),
    ...process.env,
    VIGIL_ROLE: 'all',
  }, { allowGeneratedKeys: true });
  const keyOf = (role: ApiRole) => [...config.apiKeys].find(([, k]) => k.role === role)?.[0] ?? [...config.apiKeys].find(([, k]) => k.role === 'admin')![0];
  const engine = await startEngine(config, { logger: createLogger(config.logLevel) });
  const say = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const address = await engine.app.listen({ host: '127.0.0.1', port: 0 });
    const history = scenarioHistory({ seed: opts.seed, customers: opts.customers, days: opts.days });
    // As the demo imports them: a few birthdays today, so the review schedule's birthdays matter.
    const profiles = await importProfiles({ address, marketingKey: keyOf('marketing'), customers: history.customers, seed: opts.seed, birthdayTodayShare: 0.01, anniversaryTodayShare: 0.01 });
    say(`profiles imported: ${profiles.imported}; posting ${history.events.length.toLocaleString()} events of ${opts.customers} customers over ${opts.days} days (${history.typologies.join(', ')})…`);
    const started = Date.now();
    const accepted = await postHistory({ address, ingestKey: keyOf('ingest'), events: history.events });
    const settled = await untilSettled(engine, accepted, 30 * 60_000);
    say(`history processed in ${((Date.now() - started) / 1000).toFixed(0)} s; backtesting the published set (${engine.rules.current().version})…`);
    const check = await backtestAgainstLive(engine, { address, riskKey: keyOf('risk'), fromMs: history.startMs, toMs: settled.settledUntilMs + 1, timeoutMs: 30 * 60_000 });
    const live = check.result.live;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
    } else {
      process.stdout.write([
        `range ${check.range.from} → ${check.range.to}: ${check.events.toLocaleString()} events, ${check.reviews.toLocaleString()} reviews replayed`,
        `live alerts ${live.live} (alert store ${check.liveStore}), backtest alerts ${live.replayed}, identical ${live.identical}`,
        `rules differ ${live.rules_differ}, only live ${live.only_live}, only in the backtest ${live.only_replayed}; alert store digest ${check.storeDigestMatches ? 'matches' : 'differs'}`,
        ...live.differences.map((d) => `  ${d.kind.padEnd(13)} ${d.type.padEnd(8)} ${d.customer} ${d.event_id} live [${(d.live_rule_ids ?? []).join(', ')}] backtest [${(d.replayed_rule_ids ?? []).join(', ')}]`),
      ].join('\n') + '\n');
    }
    const same = live.identical === live.live && live.replayed === live.live && check.liveStore === live.live && check.storeDigestMatches;
    return same ? 0 : 1;
  } finally {
    await engine.close();
    const redis = createRedis(config.redis, 'demo-backtest-cleanup', createLogger('silent'));
    await deleteKeysMatching(redis, `${config.redis.prefix}*`);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await runCli({ usage: USAGE, readOptions, run, failure: 'demo backtest failed' });
