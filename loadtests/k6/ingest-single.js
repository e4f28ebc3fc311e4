// One event per POST /v1/events at a constant arrival rate.
//   k6 run -e API_KEY=<ingest key> [-e BASE_URL=http://127.0.0.1:8080] [-e RATE=500] [-e DURATION=1m] loadtests/k6/ingest-single.js
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

import { buildEvent, newRunId } from './events.js';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const API_KEY = __ENV.API_KEY || '';
const RATE = Number(__ENV.RATE || 500);

const backpressure = new Counter('vigil_backpressure_503');

export const options = {
  scenarios: {
    ingest_single: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Number(__ENV.VUS || 50),
      maxVUs: Number(__ENV.MAX_VUS || 500),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<100', 'p(99)<250'],
    checks: ['rate>0.99'],
    dropped_iterations: ['count<1'],
  },
};

export function setup() {
  if (!API_KEY) throw new Error('set API_KEY to a key with the ingest role (-e API_KEY=...)');
  // One run id shared by all VUs; with the global iteration number it makes every event_id unique.
  return { runId: newRunId() };
}

export default function (data) {
  const event = buildEvent(data.runId, exec.scenario.iterationInTest);
  const res = http.post(`${BASE_URL}/v1/events`, JSON.stringify(event), {
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    tags: { name: 'POST /v1/events (single)' },
  });
  if (res.status === 503) backpressure.add(1);
  check(res, { 'event accepted (2xx)': (r) => r.status >= 200 && r.status < 300 });
}
