// npm run bench:lists — what allow, block and watch lists cost a process: heap per entry held in
// memory, lookups per second, and how long a full reload from Redis and an incremental change
// take. Uses the machine's Redis under a fresh prefix it deletes afterwards; bounded, loopback only.
// Run with --expose-gc (the npm script does) so heap figures are measured after collection.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createLogger } from '../core/observability/index.js';
import { deleteKeysMatching } from '../core/redis.js';
import { ListRegistry, ListSnapshot, ListStore } from '../lists/index.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000000' }, redis: { type: 'string', default: '200000' } } });
const inMemory = Number(values.entries);
const inRedis = Number(values.redis);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:lists)');
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const expiry = Date.now() + 30 * 86_400_000;

// Devices ids as banks send them, a reason per import batch of 1,000 (as a CSV import would).
const before = heap();
const snapshot = new ListSnapshot();
snapshot.putList({ name: 'blocked-devices', purpose: 'block', kind: 'device' });
for (let i = 0; i < inMemory; i++) {
  snapshot.putEntry('blocked-devices', `dev-${i.toString(36).padStart(8, '0')}-a91f`, `partner bank report batch ${Math.floor(i / 1000)}`, expiry);
}
const perEntry = (heap() - before) / inMemory;
console.log(`in memory: ${inMemory.toLocaleString('en')} entries, ${perEntry.toFixed(0)} bytes of heap per entry (${((perEntry * inMemory) / 1e6).toFixed(0)} MB)`);

const lookup = snapshot.at(Date.now());
const lookups = 2_000_000;
let hits = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < lookups; i++) if (lookup.find('blocked-devices', `dev-${(i * 7).toString(36).padStart(8, '0')}-a91f`)) hits++;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`lookups: ${(lookups / seconds / 1e6).toFixed(1)} million per second (${hits.toLocaleString('en')} hits), normalisation included`);

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `benchlists${process.pid}`;
const log = createLogger('silent');
try {
  const store = new ListStore({ redis, prefix, log, maxEntryDays: 400 });
  await store.create({ name: 'blocked-devices', purpose: 'block', kind: 'device', description: 'bench' }, 'bench:bench');
  const writeStart = Date.now();
  for (let start = 0; start < inRedis; start += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, inRedis - start) }, (_, j) => ({
      value: `dev-${(start + j).toString(36).padStart(8, '0')}-a91f`, reason: `partner bank report batch ${Math.floor((start + j) / 1000)}`, expiresAtMs: expiry,
    }));
    await store.putEntries('blocked-devices', batch, 'bench:bench');
  }
  console.log(`import: ${inRedis.toLocaleString('en')} entries written in ${((Date.now() - writeStart) / 1000).toFixed(1)} s`);
  const registry = new ListRegistry({ redis, prefix, log, pollMs: 600_000 });
  const loadStart = Date.now();
  await registry.start();
  console.log(`full reload: ${inRedis.toLocaleString('en')} entries in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
  await store.addEntry('blocked-devices', { value: 'dev-new', reason: 'one more', expires_at: new Date(expiry).toISOString() }, 'bench:bench');
  const changeStart = process.hrtime.bigint();
  await registry.refresh();
  console.log(`incremental: one change applied in ${(Number(process.hrtime.bigint() - changeStart) / 1e6).toFixed(1)} ms`);
  registry.stop();
} finally {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
