// Entry point: `npm start` (api + worker), `npm run api`, `npm run worker`. The only place,
// with bin/demo.ts, that reads process.env.
import closeWithGrace from 'close-with-grace';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig } from '../config/index.js';
import { startEngine } from '../server/engine.js';

const { values } = parseArgs({ options: { role: { type: 'string' } }, allowPositionals: false });
let config;
try {
  config = loadConfig({ ...process.env, ...(values.role ? { VIGIL_ROLE: values.role } : {}) });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

let engine;
try {
  engine = await startEngine(config);
} catch (err) {
  // A start-up failure is the operator's to fix (a directory in use, a dependency missing): say it plainly.
  console.error(`vigil did not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const address = await engine.app.listen({ host: config.http.host, port: config.http.port });
// The heap limit and malloc's arenas are set where node starts (npm start, the Docker image), not
// in config: logged so a process started without them (V8 sizing its heap for the whole machine,
// glibc's 8 arenas per core) shows it. docs/perf/README.md#memory.
const heapLimitMiB = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
const mallocArenaMax = process.env.MALLOC_ARENA_MAX ?? 'glibc default';
engine.log.info({ address, role: config.role, partitions: config.partitions, clickhouse: config.clickhouse.kind, heapLimitMiB, mallocArenaMax }, 'vigil started');

closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
  if (err) engine.log.error({ err }, 'shutting down after an error');
  else engine.log.info({ signal }, 'shutting down');
  await engine.close();
});
