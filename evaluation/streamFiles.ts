import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { EventInput } from '../core/events/index.js';
import { labelFileSchema, type LabelledStream } from '../simulator/scenarios/index.js';

// A labelled stream on disk: events.jsonl (one event per line, in stream order) and labels.json
// (the stream's description, the labels and the genuine noise), so a run can be replayed exactly.

export const EVENTS_FILE = 'events.jsonl';
export const LABELS_FILE = 'labels.json';

export async function saveLabelledStream(dir: string, stream: LabelledStream): Promise<void> {
  await mkdir(dir, { recursive: true });
  const out = createWriteStream(join(dir, EVENTS_FILE), { encoding: 'utf8' });
  for (const event of stream.events) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  const labels = { stream: stream.meta, labels: stream.labels, noise: stream.noise };
  await writeFile(join(dir, LABELS_FILE), `${JSON.stringify(labels, null, 2)}\n`);
}

export class StreamFileError extends Error {
  override readonly name = 'StreamFileError';
}

/** Reads a saved stream back; events are validated by ingest when replayed, labels here. */
export async function loadLabelledStream(dir: string): Promise<LabelledStream> {
  const parsed = labelFileSchema.safeParse(JSON.parse(await readFile(join(dir, LABELS_FILE), 'utf8')));
  if (!parsed.success) throw new StreamFileError(`${join(dir, LABELS_FILE)} is not a label file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const events: EventInput[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, EVENTS_FILE), { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as EventInput);
  const { stream, labels, noise } = parsed.data;
  return { meta: { ...stream, events: events.length }, events, labels, noise };
}
