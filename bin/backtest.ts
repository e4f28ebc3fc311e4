// Backtests the published rules, and a candidate beside them, on a running Vigil's stored events:
// `npm run backtest -- --from 2026-03-01 --to 2026-04-01 --rules candidate.yaml`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { backtestRequestSchema, backtestStatusSchema, formatBacktest, progressLine, type BacktestStatus } from '../backtest/index.js';
import { runCli, usageError, UsageError } from './cli.js';

const USAGE = `Usage: npm run backtest -- --from <date> --to <date> [options]

Asks a running Vigil to backtest its published rule set over the events it stored in
[from, to), and a candidate rule set beside it when --rules is given; waits for the job and
prints events per second, alerts per rule, the alerts only one set raises, and precision and
recall against what officers decided about the live alerts.

  --from <date>        first event time (ISO date, midnight UTC, or date-time with offset)
  --to <date>          end of the range (exclusive)
  --rules <file>       candidate rule set, .yaml/.yml or .json (as PUT /v1/rules takes it)
  --url <url>          Vigil base URL (default: env VIGIL_URL, else http://127.0.0.1:8080)
  --api-key <key>      a risk, risk-admin or admin key (default: env VIGIL_API_KEY)
  --poll <sec>         seconds between progress checks (default 2)
  --timeout <min>      give up waiting after this many minutes (default 120; the job goes on)
  --json               print the final status as JSON instead of the table
  --help               show this help

Exit codes: 0 the backtest is done, 1 it failed or Vigil refused it, 2 invalid options.`;

const cliSchema = z.object({
  from: z.string({ error: '--from is required' }),
  to: z.string({ error: '--to is required' }),
  rules: z.string().min(1).optional(),
  url: z.url({ error: '--url must be a URL such as http://127.0.0.1:8080' }),
  apiKey: z.string({ error: 'an API key is required: pass --api-key or set VIGIL_API_KEY' }).min(1, 'the API key is empty'),
  poll: z.coerce.number({ error: '--poll must be a number' }).positive('--poll must be greater than 0').max(300, '--poll is at most 300'),
  timeout: z.coerce.number({ error: '--timeout must be a number' }).positive('--timeout must be greater than 0'),
  json: z.boolean(),
});
type CliOptions = z.infer<typeof cliSchema>;

/** Vigil answered, but not with what was asked for: the message is its own. */
class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      from: { type: 'string' }, to: { type: 'string' }, rules: { type: 'string' },
      url: { type: 'string', default: env.VIGIL_URL ?? 'http://127.0.0.1:8080' },
      'api-key': { type: 'string' },
      poll: { type: 'string', default: '2' }, timeout: { type: 'string', default: '120' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = cliSchema.safeParse({ ...values, apiKey: values['api-key'] ?? env.VIGIL_API_KEY });
  if (!parsed.success) throw usageError(parsed.error);
  return parsed.data;
}

/** The request body, checked here against the API's own schema so a typo is a usage error, not a round trip. */
async function requestBody(opts: CliOptions): Promise<z.infer<typeof backtestRequestSchema>> {
  let ruleSet: { format: 'yaml' | 'json'; text: string } | undefined;
  if (opts.rules) {
    const text = await readFile(opts.rules, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--rules ${opts.rules}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    ruleSet = { format: /\.json$/i.test(opts.rules) ? 'json' : 'yaml', text };
  }
  const parsed = backtestRequestSchema.safeParse({ from: opts.from, to: opts.to, ...(ruleSet ? { rule_set: ruleSet } : {}) });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('\n'));
  return parsed.data;
}

async function call(opts: CliOptions, path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const response = await fetch(new URL(path, opts.url), {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${opts.apiKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  }).catch((error: unknown) => {
    throw new RefusedError(`cannot reach Vigil at ${opts.url}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
  });
  const body = await response.json().catch(() => undefined) as { message?: string } | undefined;
  if (!response.ok) throw new RefusedError(`Vigil answered ${response.status}: ${body?.message ?? response.statusText}`);
  return body;
}

/** The options and the request they make; a candidate file that is missing or invalid is a usage error too. */
async function readRequest(argv: string[]): Promise<{ opts: CliOptions; body: z.infer<typeof backtestRequestSchema> } | 'help'> {
  const opts = readOptions(argv, process.env);
  if (opts === 'help') return 'help';
  return { opts, body: await requestBody(opts) };
}

async function run({ opts, body }: { opts: CliOptions; body: z.infer<typeof backtestRequestSchema> }): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const { id } = z.object({ id: z.string() }).parse(await call(opts, '/v1/rules/backtests', { method: 'POST', body }));
  say(`backtest ${id} queued`);
  const deadline = Date.now() + opts.timeout * 60_000;
  let status: BacktestStatus;
  let last = '';
  for (;;) {
    status = backtestStatusSchema.parse(await call(opts, `/v1/rules/backtests/${encodeURIComponent(id)}`));
    const line = progressLine(status);
    if (line !== last) say(line);
    last = line;
    if (status.state === 'done' || status.state === 'failed') break;
    if (Date.now() > deadline) throw new RefusedError(`gave up waiting after ${opts.timeout} min; the backtest goes on: GET /v1/rules/backtests/${id}`);
    await new Promise((resolve) => setTimeout(resolve, opts.poll * 1000));
  }
  process.stdout.write(`${opts.json ? JSON.stringify(status, null, 2) : formatBacktest(status)}\n`);
  return status.state === 'done' ? 0 : 1;
}

await runCli({ usage: USAGE, readOptions: readRequest, run, failure: 'backtest failed', knownErrors: [RefusedError] });
