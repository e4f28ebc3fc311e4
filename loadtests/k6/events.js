// Minimal event builder for the k6 scripts. Plain JavaScript with no k6 imports, so the ops tests
// can check its events against the real schema (test/ops/loadtestEvents.test.ts). The richer
// builder for the autocannon benchmark lives in loadtests/sampleEvents.ts.

const MERCHANTS = [
  { id: 'm-tesco-0042', mcc: '5411', country: 'GB', name: 'Tesco Metro', currency: 'GBP' },
  { id: 'm-rewe-1187', mcc: '5411', country: 'DE', name: 'REWE', currency: 'EUR' },
  { id: 'm-uber-eu', mcc: '4121', country: 'NL', name: 'Uber BV', currency: 'EUR' },
  { id: 'm-zalando', mcc: '5651', country: 'DE', name: 'Zalando SE', currency: 'EUR' },
];
const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'ES'];

function pick(items) {
  return items[Math.floor(Math.random() * items.length)];
}

function int(min, max) {
  return min + Math.floor(Math.random() * (max - min));
}

/** A decimal string with two places built from integer cents, so no float ever reaches the API. */
function amount(minCents, maxCents) {
  const cents = int(minCents, maxCents);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function device(customerId) {
  return { id: `dev-${customerId}`, ip: `10.${int(1, 255)}.${int(1, 255)}.${int(1, 255)}` };
}

/** The n-th event of a run; event_id is `<runId>-<n>`, unique per iteration. */
export function buildEvent(runId, n) {
  const customerId = `cust-${String(int(0, 50000)).padStart(6, '0')}`;
  const base = { event_id: `${runId}-${n}`, customer_id: customerId, occurred_at: new Date().toISOString() };
  const roll = Math.random();
  if (roll < 0.6) {
    const m = pick(MERCHANTS);
    return {
      ...base,
      type: 'card_payment',
      channel: 'pos',
      amount: amount(150, 15000),
      currency: m.currency,
      merchant: { id: m.id, mcc: m.mcc, country: m.country, name: m.name },
      geo: { country: m.country },
    };
  }
  if (roll < 0.7) {
    const country = pick(COUNTRIES);
    return {
      ...base,
      type: 'transfer_out',
      channel: 'mobile_app',
      amount: amount(1000, 500000),
      currency: 'EUR',
      counterparty: { account: `${country}89370400440532013000`, bank: 'DEUTDEFF', country, name: 'J. Doe' },
      device: device(customerId),
    };
  }
  if (roll < 0.75) {
    return { ...base, type: 'cash_withdrawal', channel: 'atm', amount: `${20 * int(1, 15)}.00`, currency: 'EUR', geo: { country: pick(COUNTRIES) } };
  }
  return { ...base, type: 'login', channel: 'mobile_app', device: device(customerId), geo: { country: pick(COUNTRIES) } };
}

export function buildBatch(runId, first, size) {
  const events = [];
  for (let i = 0; i < size; i++) events.push(buildEvent(runId, first + i));
  return events;
}

export function newRunId() {
  return `k6-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
