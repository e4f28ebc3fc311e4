// Posts a synthetic bank's event stream to a running Vigil: `npm run simulate -- --rate 500`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runSimulation, type SimulationProgress } from '../simulator/index.js';
import { runCli, usageError } from './cli.js';

const USAGE = `Usage: npm run simulate -- [options]

Posts a realistic, seeded stream of bank events to Vigil's ingest API.

  --url <url>          Vigil base URL (default http://127.0.0.1:8080)
  --key <key>          ingest API key (default: env VIGIL_INGEST_KEY)
  --rate <n>           events per second (default 200)
  --customers <n>      simulated customers (default 1000)
  --duration <sec>     how long to run (default 60)
  --batch <n>          events per request (default 100)
  --seed <n>           random seed; same seed, same bank (default 42)
  --speed <x>          simulated seconds per real second (default 1; 3600 = an hour a second)
  --help               show this help

Exit codes: 0 all events accepted, 1 some failed or were rejected, 2 invalid options.`;

const positiveInt = (name: string) => z.coerce.number({ error: `--${name} must be a number` }).int(`--${name} must be a whole number`).positive(`--${name} must be greater than 0`);

const cliSchema = z.object({
  url: z.url({ error: '--url must be a URL such as http://127.0.0.1:8080' }),
  key: z.string({ error: 'an ingest API key is required: pass --key or set VIGIL_INGEST_KEY' }).min(1, 'the API key is empty'),
  rate: z.coerce.number({ error: '--rate must be a number' }).positive('--rate must be greater than 0').max(1_000_000, '--rate is at most 1000000'),
  customers: positiveInt('customers').max(1_000_000, '--customers is at most 1000000'),
  duration: z.coerce.number({ error: '--duration must be a number' }).positive('--duration must be greater than 0'),
  batch: positiveInt('batch').max(10_000, '--batch is at most 10000'),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').nonnegative('--seed must be 0 or more'),
  speed: z.coerce.number({ error: '--speed must be a number' }).positive('--speed must be greater than 0'),
});
type CliOptions = z.infer<typeof cliSchema>;

function readOptions(argv: string[], envKey: string | undefined): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      key: { type: 'string' },
      rate: { type: 'string', default: '200' },
      customers: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '60' },
      batch: { type: 'string', default: '100' },
      seed: { type: 'string', default: '42' },
      speed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = cliSchema.safeParse({ ...values, key: values.key ?? envKey });
  if (!parsed.success) throw usageError(parsed.error);
  return parsed.data;
}

function progressLine(p: SimulationProgress): string {
  return [
    `${p.elapsedSec.toFixed(0).padStart(4)}s`,
    `sent ${p.sent} (${p.achievedRate.toFixed(1)}/s)`,
    `accepted ${p.accepted}`,
    `dup ${p.duplicates}`,
    `rejected ${p.rejected}`,
    `failed ${p.failed}`,
    `retries ${p.retries}`,
    `sim ${p.simulatedClock.slice(0, 19).replace('T', ' ')}Z`,
  ].join('  ');
}

function summary(p: SimulationProgress, opts: CliOptions): string {
  const lines = [
    `Simulated ${opts.customers} customers (seed ${opts.seed}, speed ${opts.speed}x) against ${opts.url}`,
    `  sent        ${p.sent} events in ${p.batches} batches over ${p.elapsedSec.toFixed(1)} s (${p.achievedRate.toFixed(1)}/s, target ${opts.rate}/s)`,
    `  accepted    ${p.accepted}`,
    `  duplicates  ${p.duplicates}`,
    `  rejected    ${p.rejected}`,
    `  failed      ${p.failed}`,
    `  retries     ${p.retries}`,
    `  sim clock   ${p.simulatedClock}`,
  ];
  if (p.firstRejection) lines.push(`  first rejection: ${p.firstRejection.eventId}: ${p.firstRejection.errors.join('; ')}`);
  if (p.stoppedEarly) lines.push(`  stopped early: ${p.stoppedEarly}`);
  return lines.join('\n');
}

async function run(opts: CliOptions): Promise<number> {
  // First Ctrl-C stops sending and waits for answers already due; a second one quits at once.
  const abort = new AbortController();
  process.on('SIGINT', () => (abort.signal.aborted ? process.exit(130) : abort.abort()));
  const tty = process.stdout.isTTY === true;
  const final = await runSimulation({
    url: opts.url, apiKey: opts.key, rate: opts.rate, customers: opts.customers, durationSec: opts.duration,
    batchSize: opts.batch, seed: opts.seed, speed: opts.speed, signal: abort.signal,
    onProgress: (p) => process.stdout.write(tty ? `\r\x1b[K${progressLine(p)}` : `${progressLine(p)}\n`),
  });
  process.stdout.write(`${tty ? '\n' : ''}${summary(final, opts)}\n`);
  const clean = final.failed === 0 && final.rejected === 0 && (final.stoppedEarly === undefined || final.stoppedEarly === 'aborted');
  return clean ? 0 : 1;
}

await runCli({ usage: USAGE, readOptions: (argv) => readOptions(argv, process.env.VIGIL_INGEST_KEY), run, failure: 'simulation failed' });
