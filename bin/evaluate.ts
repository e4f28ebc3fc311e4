// How well the default rule pack catches each fraud typology and churn pattern:
// `npm run evaluate -- --customers 2000 --days 120`. Builds (or loads) a labelled synthetic
// stream, replays it through an in-process engine and prints recall, precision and timing.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  ReplayError, StreamFileError, evaluate, evaluateInMemory, inlineDecisionsInMemory, formatReport, type EvaluationResult, obtainLabelledHistory, type ReplayProgress,
} from '../evaluation/index.js';
import { replayContext, ruleSetFromFile, RuleSetFileError, defaultRuleSet } from '../backtest/index.js';
import { loadConfig } from '../config/index.js';
import { fraudModelPackFile, loadModelFiles, ModelFileError } from '../models/index.js';
import { runCli, usageError, UsageError } from './cli.js';

const USAGE = `Usage: npm run evaluate -- [options]

Replays a labelled synthetic bank through Vigil (api + worker + alerts in this process, embedded
ClickHouse in a temporary directory, a fresh Redis key prefix; both removed afterwards) and
prints detection quality per fraud typology and churn pattern. Needs Redis at REDIS_URL
(default redis://127.0.0.1:6379).

  --seed <n>            random seed; same seed, same stream (default 42)
  --customers <n>       simulated customers (default 2000)
  --days <n>            days of activity (default 120; the first quarter, at most 30, is warm-up)
  --fraud-share <x>     share of customers given a fraud typology (default 0.02)
  --churn-share <x>     share of customers given a churn pattern (default 0.05)
  --credit-share <x>    share of customers given a credit pattern (default 0.03)
  --start <date>        first day of the stream (default 2026-01-05; must end before now)
  --out <dir>           also write the stream there: events.jsonl and labels.json
  --generate-only       with --out: write the stream and stop
  --from-dir <dir>      replay a stream written by --out instead of building one
  --engine <e>          pipeline (default): the real engine, through HTTP, Redis Streams and
                        the workers; memory: the same pure risk assessment and review schedule
                        replayed in memory (backtest/), in seconds, for trying features and rules
  --rules <file>        a rule set (.yaml/.yml or .json) instead of the default pack
  --models <files>      comma-separated .onnx models to load, as VIGIL_MODEL_FILES: the rule
                        set may read them as model.<name>
  --fraud-model-rules   add the fraud model's rules to the rule set (models/fraudModelRules.ts:
                        a rule on its score, and its second opinion on unusual-amount); needs a
                        model named fraud in --models
  --help                show this help

Exit codes: 0 evaluated, 1 failed, 2 invalid options.`;

const share = (name: string) => z.coerce.number({ error: `--${name} must be a number` }).min(0, `--${name} is at least 0`).max(1, `--${name} is at most 1`);
const cliSchema = z.object({
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').nonnegative(),
  customers: z.coerce.number({ error: '--customers must be a number' }).int().min(10, '--customers is at least 10').max(50_000, '--customers is at most 50000'),
  days: z.coerce.number({ error: '--days must be a number' }).int().min(14, '--days is at least 14').max(366, '--days is at most 366'),
  fraudShare: share('fraud-share'),
  churnShare: share('churn-share'),
  creditShare: share('credit-share'),
  start: z.iso.date({ error: '--start must be a date such as 2026-01-05' }),
  out: z.string().min(1).optional(),
  generateOnly: z.boolean(),
  fromDir: z.string().min(1).optional(),
  engine: z.enum(['pipeline', 'memory'], { error: '--engine is pipeline or memory' }),
  rules: z.string().min(1).optional(),
  fraudModelRules: z.boolean(),
  models: z.string().default('').transform((text) => text.split(',').map((path) => path.trim()).filter(Boolean)),
}).refine((o) => o.fraudShare + o.churnShare + o.creditShare <= 1, '--fraud-share, --churn-share and --credit-share add up to at most 1')
  .refine((o) => !o.generateOnly || o.out, '--generate-only needs --out')
  .refine((o) => !(o.fromDir && o.out), '--from-dir replays a saved stream; it cannot be combined with --out');
type CliOptions = z.infer<typeof cliSchema>;

function readOptions(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      seed: { type: 'string', default: '42' },
      customers: { type: 'string', default: '2000' },
      days: { type: 'string', default: '120' },
      'fraud-share': { type: 'string', default: '0.02' },
      'churn-share': { type: 'string', default: '0.05' },
      'credit-share': { type: 'string', default: '0.03' },
      start: { type: 'string', default: '2026-01-05' },
      out: { type: 'string' },
      'generate-only': { type: 'boolean', default: false },
      'from-dir': { type: 'string' },
      engine: { type: 'string', default: 'pipeline' },
      rules: { type: 'string' },
      models: { type: 'string' },
      'fraud-model-rules': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = cliSchema.safeParse({
    ...values, fraudShare: values['fraud-share'], churnShare: values['churn-share'], creditShare: values['credit-share'], generateOnly: values['generate-only'], fromDir: values['from-dir'], fraudModelRules: values['fraud-model-rules'],
  });
  if (!parsed.success) throw usageError(parsed.error);
  const endMs = Date.parse(`${parsed.data.start}T00:00:00Z`) + parsed.data.days * 86_400_000;
  if (!parsed.data.fromDir && endMs > Date.now()) throw new UsageError('the stream would end in the future, which ingest refuses: choose an earlier --start or fewer --days');
  return parsed.data;
}

function progressLine(p: ReplayProgress): string {
  const done = `${p.posted.toLocaleString('en-GB')}/${p.total.toLocaleString('en-GB')}`;
  return `  ${p.elapsedSec.toFixed(0).padStart(4)} s  ${p.phase.padEnd(8)}  posted ${done}  backlog ${p.backlog.toLocaleString('en-GB')}`;
}

async function run(opts: CliOptions): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const started = performance.now();
  // The model files and the rule set are checked before minutes are spent building a stream.
  const models = await loadModelFiles(opts.models);
  const rulesFile = opts.fraudModelRules ? fraudModelPackFile(opts.rules) : opts.rules;
  const ruleSet = rulesFile ? ruleSetFromFile(rulesFile, models) : defaultRuleSet();
  if (rulesFile || models.length > 0) {
    say(`rule set ${ruleSet.version} (${ruleSet.rules.length} rules)${models.length > 0 ? `, models ${models.map((model) => `${model.name} ${model.version}`).join(', ')}` : ''}`);
  }
  const { stream } = await obtainLabelledHistory(opts.fromDir ? { fromDir: opts.fromDir } : {
    simulate: {
      seed: opts.seed, customers: opts.customers, days: opts.days, start: opts.start,
      fraudShare: opts.fraudShare, churnShare: opts.churnShare, creditShare: opts.creditShare,
    },
    ...(opts.out ? { saveTo: opts.out } : {}),
  }, say);
  if (opts.generateOnly) return 0;

  const input = { events: stream.events, labels: stream.labels, noise: stream.noise, measureFrom: new Date(stream.meta.measure_from) };
  let result: Omit<EvaluationResult, 'workspace'>;
  const context = replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk, ruleSet, models);
  if (opts.engine === 'memory') {
    say('replaying the risk pipeline in memory …');
    result = evaluateInMemory({ ...input, context });
  } else {
    say('replaying through the engine …');
    // Ctrl-C stops the replay but still closes the engine and removes its data dir and Redis keys.
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    result = await evaluate({
      ...input,
      config: {
        redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', signal: abort.signal, onProgress: (p) => say(progressLine(p)),
        ...(rulesFile ? { rulesFile } : {}), modelFiles: opts.models,
      },
    });
    say('replaying in memory for the in-line decisions …');
    result = { ...result, inline: inlineDecisionsInMemory({ ...input, context }) };
  }
  const labelled = {
    fraud: new Set(stream.labels.filter((l) => l.kind === 'fraud').map((l) => l.customer_id)).size,
    churn: new Set(stream.labels.filter((l) => l.kind === 'churn').map((l) => l.customer_id)).size,
    credit: new Set(stream.labels.filter((l) => l.kind === 'credit').map((l) => l.customer_id)).size,
  };
  say(`\n${formatReport(result, stream.meta, labelled)}`);
  say(`\ntotal run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

await runCli({
  usage: USAGE, readOptions, run, failure: 'evaluation failed',
  // Our own errors say what went wrong in words; anything else gets its stack.
  knownErrors: [ReplayError, StreamFileError, RuleSetFileError, ModelFileError],
});
