// The engine's resident memory and where it is: read from its vigil_process_memory_bytes gauge
// (core/observability/memory.ts) and, for the mapped code, from /proc/<pid>/smaps. Used by
// bench/run.ts after start-up and through the steady stream (docs/perf/README.md#memory).
import { readFileSync } from 'node:fs';

export interface EngineMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  native: number;
  rssFile: number;
  /** Of rssFile, the pages of libchdb.so (ClickHouse's code, 566 MB on disk). */
  chdbCode: number;
}

const MIB = 2 ** 20;

export async function engineMemory(url: string, key: string, pid: number | undefined): Promise<EngineMemory> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  const kind = (name: string) => Number(new RegExp(`^vigil_process_memory_bytes\\{kind="${name}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const rss = Number(/^vigil_process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
  return {
    rss, heapUsed: kind('heap_used'), heapTotal: kind('heap_total'), external: kind('external'), arrayBuffers: kind('array_buffers'),
    native: kind('native'), rssFile: kind('rss_file'), chdbCode: pid === undefined ? NaN : mappedResident(pid, 'libchdb.so'),
  };
}

/** Resident bytes of the mappings of one file (Linux; NaN elsewhere). */
function mappedResident(pid: number, fileName: string): number {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return NaN;
  }
  let inFile = false;
  let kb = 0;
  for (const line of smaps.split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inFile = line.endsWith(fileName);
    else if (inFile && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb * 1024;
}

const mib = (bytes: number) => (bytes / MIB).toFixed(0);

export function formatEngineMemory(m: EngineMemory): string {
  return `${mib(m.rss)} MiB resident = V8 heap ${mib(m.heapTotal)} (${mib(m.heapUsed)} in use) + external ${mib(m.external)} `
    + `(array buffers ${mib(m.arrayBuffers)}) + native ${mib(m.native)} (ClickHouse, Node, malloc, thread stacks) `
    + `+ mapped code ${mib(m.rssFile)} (libchdb.so ${mib(m.chdbCode)}; file-backed, reclaimable)`;
}

/** Samples the engine's memory every `everyMs` until stopped; answers the median sample by RSS and the largest RSS. */
export function sampleEngineMemory(url: string, key: string, pid: number | undefined, everyMs = 1000) {
  const samples: EngineMemory[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push(await engineMemory(url, key, pid));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop(): Promise<{ median: EngineMemory; max: number; samples: number } | undefined> {
      stopped = true;
      await loop;
      if (samples.length === 0) return undefined;
      const byRss = [...samples].sort((a, b) => a.rss - b.rss);
      return { median: byRss[Math.floor(byRss.length / 2)]!, max: byRss.at(-1)!.rss, samples: samples.length };
    },
  };
}
