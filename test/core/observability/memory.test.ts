import { describe, expect, it } from 'vitest';

import { createMetrics, memoryBreakdown } from '../../../core/observability/index.js';

describe('memory breakdown', () => {
  it('splits resident memory into mapped files and anonymous pages, and the anonymous ones into V8 heap, external and native', () => {
    const memory = memoryBreakdown();
    expect(memory.rssAnon).toBeGreaterThan(0);
    expect(memory.rssFile).toBeGreaterThan(0); // node's own code at least (Linux)
    // Read a moment apart, so allow a little drift between process.memoryUsage() and /proc.
    expect(Math.abs(memory.rssAnon + memory.rssFile - memory.rss)).toBeLessThan(memory.rss * 0.1);
    expect(memory.native).toBe(Math.max(0, memory.rssAnon - memory.heapTotal - memory.external));
    expect(memory.heapUsed).toBeLessThanOrEqual(memory.heapTotal);
  });

  it('is exported as vigil_process_memory_bytes by kind', async () => {
    const { registry } = createMetrics();
    const text = await registry.metrics();
    for (const kind of ['rss_anon', 'rss_file', 'heap_total', 'heap_used', 'external', 'array_buffers', 'native']) {
      expect(text).toMatch(new RegExp(`^vigil_process_memory_bytes\\{kind="${kind}"\\} \\d+`, 'm'));
    }
  });
});
