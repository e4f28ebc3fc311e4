// The thinnest ingest the stack allows, for `npm run bench` to hold Vigil against in the same run:
// fastify + ioredis, one pipelined XADD per event into a stream, no validation, no dedup, no
// auth. Answers like Vigil ({accepted, duplicates, rejected}) so the same load tool counts it.
// Beside it the trivial in-line decision: parse the body, answer approve, no Redis, the floor of
// what a fastify route and the bench's client cost per decision.
// Loopback only; started and stopped by the bench.
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const port = Number(process.argv[2] ?? 18098);
const stream = `${process.env.BENCH_THIN_PREFIX ?? 'thin'}:events`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });

app.post('/v1/events', async (request, reply) => {
  const body = request.body as { events?: unknown[] };
  const events = Array.isArray(body.events) ? body.events : [body];
  const pipeline = redis.pipeline();
  for (const event of events) pipeline.xadd(stream, 'MAXLEN', '~', 1_000_000, '*', 'event', JSON.stringify(event));
  await pipeline.exec();
  return reply.status(202).send({ accepted: events.length, duplicates: 0, rejected: [] });
});

app.post('/v1/decisions', async (request) => {
  const event = request.body as { event_id?: unknown };
  return { event_id: event.event_id, decision: 'approve', score: null, reasons: [], rule_set_version: 'thin', decided_at: new Date().toISOString() };
});

await app.listen({ host: '127.0.0.1', port });
console.log(`thin reference listening on ${port}`);
const stop = async () => {
  await app.close();
  await redis.del(stream);
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
