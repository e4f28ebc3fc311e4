// Exports a running Vigil's stored history with labels from officers' dispositions, for training:
// `npm run export-history -- --from 2026-01-01 --to 2026-04-01 --out history/` writes
// events.jsonl + labels.json, which `npm run train -- --from-dir history/` reads unchanged.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { instantMs } from '../backtest/schema.js';
import { EVENTS_FILE, LABELS_FILE } from '../evaluation/streamFiles.js';
import { EmptyExportError, exportedLabelFile } from '../models/exportedLabelFile.js';
import { exportLineSchema, historyExportRequestSchema, type ExportEnd, type ExportHeader, type ExportLine } from '../models/historyExportSchema.js';
import { runCli, usageError, UsageError } from './cli.js';

const USAGE = `Usage: npm run export-history -- --from <date> --to <date> --out <dir> [options]

Exports the events a running Vigil stored in [from, to) (customers as pseudonyms, accounts as
hashes) with fraud labels from officers' dispositions: a customer whose fraud alert was resolved
confirmed_fraud is fraud from that alert's triggering event; everyone else is genuine. Writes
<dir>/events.jsonl and <dir>/labels.json for npm run train -- --from-dir <dir>.

  --from <date>          first event time (ISO date, midnight UTC, or date-time with offset)
  --to <date>            end of the history (exclusive)
  --out <dir>            where to write events.jsonl and labels.json
  --measure-from <date>  train only on events from then (the features' warm-up; default --from)
  --url <url>            Vigil's API (default $VIGIL_URL or http://127.0.0.1:8080)
  --api-key <key>        a risk-admin or admin key (default $VIGIL_API_KEY)
  --help                 show this help

Exit codes: 0 written, 1 failed or refused (Vigil's reason printed), 2 invalid options.`;

const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const cliSchema = z.object({
  from: z.string({ error: '--from is required' }),
  to: z.string({ error: '--to is required' }),
  out: z.string({ error: '--out is required' }).min(1, '--out is empty'),
  measureFrom: instant.optional().refine((v) => v === undefined || !Number.isNaN(instantMs(v)), '--measure-from must be a date'),
  url: z.url({ error: '--url must be a URL such as http://127.0.0.1:8080' }),
  apiKey: z.string({ error: 'an API key is required: pass --api-key or set VIGIL_API_KEY' }).min(1, 'the API key is empty'),
});
type CliOptions = z.infer<typeof cliSchema>;

/** Vigil answered, but not with a whole export: the message says why. */
class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

function exportLine(text: string): ExportLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RefusedError(`Vigil sent a line that is not JSON: ${text.slice(0, 80)}`);
  }
  const line = exportLineSchema.safeParse(parsed);
  if (!line.success) throw new RefusedError(`Vigil sent a line this tool does not know: ${text.slice(0, 80)}`);
  return line.data;
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'measure-from': { type: 'string' },
      url: { type: 'string', default: env.VIGIL_URL ?? 'http://127.0.0.1:8080' }, 'api-key': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const parsed = cliSchema.safeParse({ ...values, measureFrom: values['measure-from'], apiKey: values['api-key'] ?? env.VIGIL_API_KEY });
  if (!parsed.success) throw usageError(parsed.error);
  // The range is checked here against the API's own schema, so a typo is a usage error, not a round trip.
  const range = historyExportRequestSchema.safeParse({ from: parsed.data.from, to: parsed.data.to });
  if (!range.success) throw new UsageError(range.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
  const measureFrom = parsed.data.measureFrom === undefined ? undefined : instantMs(parsed.data.measureFrom);
  if (measureFrom !== undefined && (measureFrom < instantMs(range.data.from) || measureFrom >= instantMs(range.data.to))) {
    throw new UsageError('--measure-from must fall in [--from, --to)');
  }
  return parsed.data;
}

async function run(opts: CliOptions): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const response = await fetch(new URL('/v1/models/training-exports', opts.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: opts.from, to: opts.to }),
  }).catch((error: unknown) => {
    throw new RefusedError(`cannot reach Vigil at ${opts.url}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
  });
  if (!response.ok || !response.body) {
    const body = await response.json().catch(() => undefined) as { message?: string } | undefined;
    throw new RefusedError(`Vigil answered ${response.status}: ${body?.message ?? response.statusText}`);
  }

  await mkdir(opts.out, { recursive: true });
  // Events go to a side file renamed once the end line arrived: a cut stream leaves no events.jsonl
  // that looks whole.
  const partial = join(opts.out, `${EVENTS_FILE}.partial`);
  const out = createWriteStream(partial, { encoding: 'utf8' });
  let header: ExportHeader | undefined;
  let end: ExportEnd | undefined;
  const customers = new Set<string>();
  try {
    try {
      // A connection dropped mid-stream (Vigil stopped, ClickHouse failed after the first line) ends the read with an error.
      const lines = createInterface({ input: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), crlfDelay: Infinity });
      for await (const text of lines) {
        if (text === '') continue;
        const line = exportLine(text);
        if ('export' in line) header = line.export;
        else if ('end' in line) end = line.end;
        else {
          if (typeof line.event.customer_id === 'string') customers.add(line.event.customer_id);
          if (!out.write(`${JSON.stringify(line.event)}\n`)) await once(out, 'drain');
        }
      }
      out.end();
      await finished(out);
    } catch (error) {
      if (error instanceof RefusedError) throw error;
      throw new RefusedError(`the export was cut short (${error instanceof Error ? error.message : String(error)}): nothing written; run it again`);
    }
    if (!header || !end) throw new RefusedError('the export was cut short (no end line): nothing written; run it again');
    const labelFile = exportedLabelFile({ header, end, customers, ...(opts.measureFrom ? { measureFrom: new Date(instantMs(opts.measureFrom)).toISOString() } : {}) });
    await rename(partial, join(opts.out, EVENTS_FILE));
    await writeFile(join(opts.out, LABELS_FILE), `${JSON.stringify(labelFile, null, 2)}\n`);
    say(`exported ${end.events.toLocaleString('en-GB')} events of ${customers.size.toLocaleString('en-GB')} customers, `
      + `${header.labels.length} labelled fraud from dispositions, ${header.false_positive_customers} cleared as false positives`
      + `${end.unreadable > 0 ? `, ${end.unreadable} unreadable rows skipped` : ''}, as ${header.exported_by}`);
    say(`wrote ${join(opts.out, EVENTS_FILE)} and ${join(opts.out, LABELS_FILE)}; train with: npm run train -- --from-dir ${opts.out}`);
    return 0;
  } finally {
    out.destroy();
    await rm(partial, { force: true });
  }
}

await runCli({
  usage: USAGE, readOptions: (argv) => readOptions(argv, process.env), run, failure: 'export failed',
  knownErrors: [RefusedError, EmptyExportError],
});
