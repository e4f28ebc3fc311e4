// Trains a fraud model on the bank's own labels: `npm run train -- --from-dir DIR` (a history
// exported as events.jsonl + labels.json) or on a simulated bank (`--seed`, `--customers` …).
// Replays the history through the pure risk pipeline to get each outgoing payment's features as
// they were at that moment, labels it, and hands the rows to models/train.py (XGBoost → ONNX).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { replayContext } from '../backtest/index.js';
import { loadConfig } from '../config/index.js';
import { obtainLabelledHistory, StreamFileError } from '../evaluation/index.js';
import { exportTrainingRows, TrainingExportError } from '../models/exportRows.js';
import { FRAUD_MODEL_EVENT_TYPES, FRAUD_MODEL_FEATURES, LABELLING } from '../models/trainingRows.js';
import { runCli, usageError } from './cli.js';

const USAGE = `Usage: npm run train -- [options]

Builds a fraud model from a labelled history and writes <out>.onnx and <out>.json.

  --from-dir <dir>      a history exported as events.jsonl + labels.json (the format of
                        npm run evaluate -- --out); without it a simulated bank is built:
  --seed <n>            simulator seed (default 42)
  --customers <n>       simulated customers (default 1500)
  --days <n>            days of activity (default 90)
  --fraud-share <x>     share of customers given a fraud typology (default 0.1)
  --start <date>        first day of the simulated stream (default 2026-01-05)
  --name <name>         what rules call it: model.<name> (default fraud)
  --version <v>         the model's version (default 1)
  --out <path>          without extension (default models/<name>)
  --python <path>       the interpreter with python3-xgboost, python3-onnx and python3-sklearn
                        (default /usr/bin/python3, where Debian installs them)
  --keep-rows           keep the exported CSV (its directory is printed)
  --help                show this help

Exit codes: 0 trained, 1 failed, 2 invalid options.`;

const cliSchema = z.object({
  fromDir: z.string().min(1).optional(),
  seed: z.coerce.number({ error: '--seed must be a number' }).int().nonnegative(),
  customers: z.coerce.number({ error: '--customers must be a number' }).int().min(50).max(50_000),
  days: z.coerce.number({ error: '--days must be a number' }).int().min(30).max(366),
  fraudShare: z.coerce.number({ error: '--fraud-share must be a number' }).min(0.01).max(0.5),
  start: z.iso.date({ error: '--start must be a date such as 2026-01-05' }),
  name: z.string().regex(/^[a-z0-9_]+$/, '--name: lowercase letters, digits and underscores (it is used as model.<name>)'),
  version: z.string().min(1).max(64),
  out: z.string().min(1).optional(),
  python: z.string().min(1),
  keepRows: z.boolean(),
});
type CliOptions = z.infer<typeof cliSchema>;

function readOptions(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      'from-dir': { type: 'string' }, seed: { type: 'string', default: '42' }, customers: { type: 'string', default: '1500' },
      days: { type: 'string', default: '90' }, 'fraud-share': { type: 'string', default: '0.1' }, start: { type: 'string', default: '2026-01-05' },
      name: { type: 'string', default: 'fraud' }, version: { type: 'string', default: '1' }, out: { type: 'string' },
      python: { type: 'string', default: '/usr/bin/python3' }, 'keep-rows': { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = cliSchema.safeParse({
    ...values, fromDir: values['from-dir'], fraudShare: values['fraud-share'], keepRows: values['keep-rows'],
  });
  if (!parsed.success) throw usageError(parsed.error);
  return parsed.data;
}

async function run(opts: CliOptions): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (!existsSync(opts.python)) {
    say(`${opts.python} not found: install Debian's python3-xgboost, python3-onnx and python3-sklearn, or name another interpreter with --python`);
    return 1;
  }
  const out = (opts.out ?? join('models', opts.name)).replace(/\.(onnx|json)$/, '');
  // Churn and credit customers are genuine to a fraud model; they are simulated so it meets them.
  const { stream, source } = await obtainLabelledHistory(opts.fromDir ? { fromDir: opts.fromDir } : {
    simulate: { seed: opts.seed, customers: opts.customers, days: opts.days, start: opts.start, fraudShare: opts.fraudShare, churnShare: 0.05, creditShare: 0.03 },
  }, say);

  const workDir = mkdtempSync(join(tmpdir(), 'vigil-train-'));
  try {
    const csvPath = join(workDir, 'rows.csv');
    const started = performance.now();
    const context = replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk);
    const exported = exportTrainingRows({
      events: stream.events, labels: stream.labels, measureFromMs: Date.parse(stream.meta.measure_from),
      features: FRAUD_MODEL_FEATURES, context, csvPath,
    });
    say(`replayed ${exported.events.toLocaleString('en-GB')} events in ${((performance.now() - started) / 1000).toFixed(1)} s: `
      + `${exported.rows.toLocaleString('en-GB')} rows, ${exported.positives.toLocaleString('en-GB')} labelled fraud, ${exported.validation.toLocaleString('en-GB')} for validation`);
    const specPath = join(workDir, 'spec.json');
    writeFileSync(specPath, JSON.stringify({
      name: opts.name, version: opts.version, features: FRAUD_MODEL_FEATURES, event_types: FRAUD_MODEL_EVENT_TYPES, labelling: LABELLING, source,
    }));
    say(`training (${opts.python} models/train.py) …`);
    mkdirSync(dirname(out), { recursive: true });
    const trainer = fileURLToPath(new URL('../models/train.py', import.meta.url));
    const trained = spawnSync(opts.python, [trainer, '--rows', csvPath, '--spec', specPath, '--out', out], { stdio: 'inherit' });
    if (trained.status !== 0) {
      say(`models/train.py failed (exit ${trained.status ?? trained.signal})`);
      return 1;
    }
    say(`wrote ${out}.onnx and ${out}.json`);
    return 0;
  } finally {
    if (opts.keepRows) say(`rows kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

await runCli({ usage: USAGE, readOptions, run, failure: 'training failed', knownErrors: [StreamFileError, TrainingExportError] });
