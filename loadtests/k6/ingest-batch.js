// Batches of BATCH events per POST /v1/events ({"events": [...]}) at a constant arrival rate.
//   k6 run -e API_KEY=<ingest key> [-e BASE_URL=http://127.0.0.1:8080] [-e RATE=20] [-e BATCH=100] [-e DURATION=1m] loadtests/k6/ingest-batch.js
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

import { buildBatch, newRunId } from './events.js';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const API_KEY = __ENV.API_KEY || '';
const RATE = Number(__ENV.RATE || 20);
const BATCH = Number(__ENV.BATCH || 100);

const eventsSent = new Counter('vigil_events_sent');
const eventsAccepted = new Counter('vigil_events_in_2xx');
const backpressure = new Counter('vigil_backpressure_503');

export const options = {
  scenarios: {
    ingest_batch: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Number(__ENV.VUS || 20),
      maxVUs: Number(__ENV.MAX_VUS || 200),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500', 'p(99)<1000'],
    checks: ['rate>0.99'],
    dropped_iterations: ['count<1'],
  },
};

export function setup() {
  if (!API_KEY) throw new Error('set API_KEY to a key with the ingest role (-e API_KEY=...)');
  if (!Number.isInteger(BATCH) || BATCH < 1) throw new Error(`BATCH must be a positive integer, got ${__ENV.BATCH}`);
  return { runId: newRunId() };
}

export default function (data) {
  // Iteration i owns event numbers [i*BATCH, (i+1)*BATCH), so ids never collide across VUs.
  const events = buildBatch(data.runId, exec.scenario.iterationInTest * BATCH, BATCH);
  const res = http.post(`${BASE_URL}/v1/events`, JSON.stringify({ events }), {
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    tags: { name: 'POST /v1/events (batch)' },
  });
  eventsSent.add(BATCH);
  if (res.status === 503) backpressure.add(1);
  const ok = check(res, { 'batch accepted (2xx)': (r) => r.status >= 200 && r.status < 300 });
  if (ok) eventsAccepted.add(BATCH);
}
