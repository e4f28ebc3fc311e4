import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

/** Where this process's resident memory is, in bytes (docs/perf/README.md#memory). */
export interface MemoryBreakdown {
  /** Resident set: everything below, as the kernel counts it. */
  rss: number;
  /** Private anonymous pages: the V8 heap, buffers and every native allocation (ClickHouse's too). */
  rssAnon: number;
  /** Mapped files: the code of node and libchdb.so; clean, shared and reclaimable, but counted in RSS. */
  rssFile: number;
  /** V8 heap committed, and of it in use (live objects and garbage not yet collected). */
  heapTotal: number;
  heapUsed: number;
  /** Memory V8 objects hold outside the heap (Buffers, ArrayBuffers, strings from native code). */
  external: number;
  arrayBuffers: number;
  /** Anonymous memory not held by V8: ClickHouse (chdb), Node's own, malloc's slack, thread stacks. */
  native: number;
}

/**
 * Reads the breakdown. RssAnon and RssFile come from /proc/self/status (Linux); elsewhere RSS
 * counts as anonymous. Native is what remains of the anonymous pages after the V8 heap and its
 * external memory; heapTotal is committed, nearly all of it touched, so the remainder is close.
 */
export function memoryBreakdown(): MemoryBreakdown {
  const usage = process.memoryUsage();
  const status = procStatus();
  const rssAnon = status.get('RssAnon') ?? usage.rss;
  return {
    rss: usage.rss,
    rssAnon,
    rssFile: status.get('RssFile') ?? 0,
    heapTotal: usage.heapTotal,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    native: Math.max(0, rssAnon - usage.heapTotal - usage.external),
  };
}

function procStatus(): Map<string, number> {
  const fields = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return fields;
  }
  for (const match of text.matchAll(/^(RssAnon|RssFile):\s+(\d+) kB$/gm)) fields.set(match[1]!, Number(match[2]) * 1024);
  return fields;
}

const KINDS: Record<Exclude<keyof MemoryBreakdown, 'rss'>, string> = {
  rssAnon: 'rss_anon', rssFile: 'rss_file', heapTotal: 'heap_total', heapUsed: 'heap_used',
  external: 'external', arrayBuffers: 'array_buffers', native: 'native',
};

/** vigil_process_memory_bytes{kind}: the breakdown, read at each scrape. */
export function registerMemoryBreakdown(registry: Registry): void {
  new Gauge({
    name: 'vigil_process_memory_bytes',
    help: 'Resident memory by kind: rss_anon (heap, buffers, native), rss_file (mapped code), heap_total/heap_used (V8), external and array_buffers (outside the V8 heap), native (rss_anon minus heap_total and external: ClickHouse, Node, malloc, stacks)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const memory = memoryBreakdown();
      for (const [field, kind] of Object.entries(KINDS)) this.set({ kind }, memory[field as keyof typeof KINDS]);
    },
  });
}
