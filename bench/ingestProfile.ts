// CPU profile of the process serving ingest under the bench's load: the compiled engine with the
// API role alone runs under `node --cpu-prof`, takes the bench's single-event or 100-event load,
// stops, and its profile becomes a flame graph (bench/flameGraph.ts) with the self-time table.
//   npx tsx bench/ingestProfile.ts --mode single|batch --out docs/perf/<name> [--dist dist] [--duration 10]
// writes <name>.svg and <name>.folded; build first (node scripts/build.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { runIngestLoad } from '../loadtests/ingest-autocannon.js';
import { deleteKeysMatching } from '../core/redis.js';
import { flameSvg, foldedStacks, frameTree, topSelf } from './flameGraph.js';

const { values } = parseArgs({ options: {
  mode: { type: 'string', default: 'single' }, out: { type: 'string' }, dist: { type: 'string', default: 'dist' },
  duration: { type: 'string', default: '10' }, port: { type: 'string', default: '18180' },
} });
if (!values.out) throw new Error('--out <path without extension> is required');
const mode: 'single' | 'batch' = values.mode === 'batch' ? 'batch' : 'single';
const key = 'bench-admin-key-0123456789';
const url = `http://127.0.0.1:${values.port}`;
const prefix = `prof${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-prof-'));
const profileDir = mkdtempSync(join(tmpdir(), 'vigil-cpuprof-'));

const engine = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(values.dist, 'bin/vigil.js')], { env: {
  ...process.env, PORT: values.port, VIGIL_API_KEYS: `bench:${key}:admin`, VIGIL_DATA_DIR: dataDir, VIGIL_ROLE: 'api',
  VIGIL_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', VIGIL_MAX_LAG_EVENTS: '50000000', VIGIL_APPROVALS: 'none', VIGIL_RATE_LIMIT_MAX: '0',
}, stdio: ['ignore', 'inherit', 'inherit'] });
try {
  for (let i = 0; !(await fetch(`${url}/readyz`).then((r) => r.ok, () => false)); i++) {
    if (i > 600) throw new Error('the engine did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const load = mode === 'single' ? { mode, connections: 32 } : { mode, batchSize: 100, connections: 16 };
  const result = await runIngestLoad({ url, apiKey: key, ...load, durationSeconds: Number(values.duration) });
  console.log(`${mode}: ${Math.round(result.eventsPerSecond)} ev/s under the profiler (${result.non2xx} non-2xx)`);
} finally {
  engine.kill('SIGTERM');
  await new Promise((r) => engine.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${profileDir}`);
const root = frameTree(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
rmSync(profileDir, { recursive: true, force: true });
writeFileSync(`${values.out}.svg`, flameSvg(root, `Vigil API role, ingest, ${mode === 'single' ? 'one event' : '100 events'} per request (${values.dist})`));
writeFileSync(`${values.out}.folded`, foldedStacks(root));
console.log('| function | self ms | share of busy |\n| --- | ---: | ---: |');
for (const row of topSelf(root)) console.log(`| \`${row.name}\` | ${row.ms.toFixed(0)} | ${(100 * row.share).toFixed(1)}% |`);
