// npm run demo — Vigil on the embedded defaults (API + workers in this process, embedded
// ClickHouse in ./data, Redis at REDIS_URL) fed live by the simulated bank, with the example
// campaigns live and the simulated CRM's profiles imported. Prints the API keys once, replays a
// labelled history, then feeds live with a status line every two seconds and each offer as it
// fires, and sums up alerts, offers per campaign and the contact caps.
import { parseArgs } from 'node:util';
import { countEvents, rollupTotals } from '../aggregates/index.js';
import { ConfigError, loadConfig, type ApiRole } from '../config/index.js';
import { formatMinorUnits } from '../core/events/index.js';
import { createLogger } from '../core/observability/index.js';
import { createRedis, deleteKeysMatching } from '../core/redis.js';
import { startEngine } from '../server/engine.js';
import { fileURLToPath } from 'node:url';
import { BankSimulator, runSimulation } from '../simulator/index.js';
import { EXAMPLE_CAMPAIGNS_URL, campaignStats } from '../offers/index.js';
import { capViolations, startOfferDemo } from './demoOffers.js';
import { demoUsers } from './demoUsers.js';
import { demoModelSettings } from './demoModel.js';
import { DEMO_HISTORY, HISTORY_CLOCK_SETTINGS, postHistory, scenarioCustomers, scenarioHistory } from './demoHistory.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    // Enough people for the rate: 200 events/s for two minutes among 2,000 customers gave each
    // about 12 events (the busiest 35) within minutes, and the velocity rule rightly alerted on
    // hundreds of them. Among 20,000 a customer has about one event, as in a real bank's minute.
    customers: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '120' },
    seed: { type: 'string', default: '42' },
    'keep-running': { type: 'boolean', default: false },
    'no-scenarios': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const customers = Number(values.customers);
const duration = Number(values.duration);
if (![rate, customers, duration].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('--rate, --customers and --duration must be positive numbers');
  process.exit(2);
}

// People who sign in to the console: generated with their passwords unless VIGIL_LOCAL_USERS is set.
const users = process.env.VIGIL_LOCAL_USERS ? undefined : await demoUsers();
let config;
try {
  config = loadConfig({
    LOG_LEVEL: 'warn',
    // A key prefix of its own for each run, so a second demo starts from an empty bank, not from
    // the first run's features, alerts and contact counters (removed again at the end).
    VIGIL_REDIS_PREFIX: `demo${Date.now().toString(36)}`,
    VIGIL_CAMPAIGNS_FILE: fileURLToPath(EXAMPLE_CAMPAIGNS_URL),
    // The demo's channel gateway listens on loopback over http; in production targets are public https.
    VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
    // So the printed /docs link opens in a browser (which cannot send the API key).
    VIGIL_PUBLIC_DOCS: 'true',
    // The labelled history is replayed through this engine: reviews of quiet customers fall due
    // by the newest event time processed, and offers are decided as of each event's time, so
    // triggers, quiet hours and contact caps see the history's days (production: wall clock).
    ...HISTORY_CLOCK_SETTINGS,
    ...(users && { VIGIL_LOCAL_USERS: users.setting, VIGIL_SESSION_SECRET: users.sessionSecret }),
    // The demo is served over plain http on loopback; production sends cookies over https only.
    VIGIL_COOKIE_SECURE: 'false',
    VIGIL_GRAFANA_URL: 'http://127.0.0.1:3000',
    // The example fraud model scores every payment; one rule of the pack alerts on its score.
    ...(!process.env.VIGIL_RULES_FILE && demoModelSettings()),
    ...process.env,
    VIGIL_ROLE: 'all',
  }, { allowGeneratedKeys: true });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

// ClickHouse data in ./data outlives the run; the summary counts only this run's decisions.
const demoStartedAt = Date.now();
const engine = await startEngine(config, { logger: createLogger(config.logLevel) });
const address = await engine.app.listen({ host: config.http.host, port: config.http.port });
const keyOf = (role: ApiRole) => [...config.apiKeys].find(([, k]) => k.role === role)?.[0] ?? [...config.apiKeys].find(([, k]) => k.role === 'admin')![0];

console.log(`\nVigil is running at ${address}  (API docs: ${address}/docs, metrics: ${address}/metrics with the sre key)`);
console.log(`ClickHouse: ${config.clickhouse.kind === 'embedded' ? `embedded, data in ${config.clickhouse.dataDir}` : config.clickhouse.url}; Redis: ${config.redis.url}; ${config.partitions} partitions`);
console.log(`\nConsole: ${address}/console/  — sign in as one of these people (four-eyes is on: a second person approves rule sets, campaign activations and list imports):`);
if (users) for (const u of users.people) console.log(`  ${u.roles.padEnd(16)} ${u.name.padEnd(16)} password ${u.password}   ${u.job}`);
if (config.generatedKeys) {
  console.log('\nAPI keys for this run (generated because VIGIL_API_KEYS is unset; shown once). Every change is recorded under the key\'s role and name:');
  for (const [key, { role, name }] of config.apiKeys) console.log(`  ${role.padEnd(10)} ${name.padEnd(20)} ${key}`);
}
const seed = Number(values.seed);
const offerDemo = await startOfferDemo({
  engine, address, adminKey: keyOf('admin'), marketingKey: keyOf('marketing'), seed: Number(values.seed), show: 12,
  customers: [
    ...new BankSimulator({ customers, seed: Number(values.seed) }).population,
    // The labelled scenario's customers carry their own ids (scn-…).
    ...scenarioCustomers(seed),
  ],
});

// The simulated clock may run up to a minute behind real time at speed 1.
const startedAt = new Date(Date.now() - 2 * 60_000);
const counter = (name: string) => engine.metrics.registry.getSingleMetric(name)!.get().then((m) => m.values.reduce((sum, v) => sum + v.value, 0));
let lastProcessed = 0;
async function statusLine(): Promise<string> {
  const [processed, deadLetters, stored, alerts] = await Promise.all([
    counter('vigil_events_processed_total'), counter('vigil_dead_letters_total'), countEvents(engine.store).catch(() => NaN),
    counter('vigil_alerts_raised_total'),
  ]);
  const perSecond = (processed - lastProcessed) / 2;
  lastProcessed = processed;
  const { offered, holdout, suppressed } = offerDemo.decided;
  return `processed ${processed.toLocaleString()} (${Math.round(perSecond)}/s) | backlog ${engine.backlog.totalBacklog} | ClickHouse rows ${stored.toLocaleString()} | alerts ${alerts} | offers ${offered} (+${holdout} held out, ${suppressed} suppressed) | dead letters ${deadLetters}`;
}

if (!values['no-scenarios']) {
  // The live feed is a genuine population; to show the rule pack at work, first replay months of
  // a small labelled bank in which some customers suffer fraud typologies, churn and credit trouble (own ids).
  // Replayed in time order on the event-time sweep clock, so quiet customers are reviewed at the
  // moments of the past their silence began, not all at once at the end. `npm run demo:backtest`
  // runs this phase alone and checks a backtest of it against the live alerts.
  const scenario = scenarioHistory({ seed });
  console.log(`\nReplaying a labelled scenario: ${scenario.events.length.toLocaleString()} events of ${DEMO_HISTORY.customers} customers over ${DEMO_HISTORY.days} days, with ${scenario.typologies.join(', ')}…`);
  await postHistory({ address, ingestKey: keyOf('ingest'), events: scenario.events });
  for (let i = 0; i < 150 && engine.backlog.totalBacklog > 0; i++) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, config.processing.flushIntervalMs + 1000));
  console.log(await statusLine());
}

console.log(`\nFeeding ${rate} events/s from ${customers} simulated customers for ${duration}s…\n`);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
let latestFeed = '';
const ticker = setInterval(async () => console.log(`${latestFeed} | ${await statusLine()}`), 2000);
const fed = await runSimulation({
  url: address, apiKey: keyOf('ingest'), rate, customers, durationSec: duration, batchSize: Math.max(10, Math.round(rate / 5)),
  seed: Number(values.seed), signal: controller.signal,
  onProgress: (p) => {
    latestFeed = `[${p.elapsedSec.toFixed(0).padStart(4)}s] sent ${p.sent.toLocaleString()} accepted ${p.accepted.toLocaleString()} rejected ${p.rejected}`;
  },
});

// Let the workers flush what is in hand before the summary.
for (let i = 0; i < 50 && engine.backlog.totalBacklog > 0; i++) await new Promise((r) => setTimeout(r, 200));
await new Promise((r) => setTimeout(r, config.processing.flushIntervalMs + 500));
clearInterval(ticker);
console.log(`\nFeed done: ${fed.accepted.toLocaleString()} accepted, ${fed.duplicates} duplicates, ${fed.rejected} rejected, ${fed.failed} failed (${fed.achievedRate.toFixed(0)} events/s).`);
console.log(await statusLine());
console.log('\nWhat ClickHouse rolled up since the demo started (per-minute rollups):');
for (const row of (await rollupTotals(engine.store, { since: startedAt })).sort((a, b) => b.events - a.events)) {
  const money = Object.entries(row.amountMinorByCurrency).map(([currency, minor]) => `${formatMinorUnits(minor, currency)} ${currency}`).join(', ');
  console.log(`  ${row.type.padEnd(20)} ${String(row.events).padStart(7)}  ${money}`);
}

// The newest of each kind, so fraud, credit early warnings, churners and complaint deadlines all show.
const latest = (await Promise.all((['fraud', 'credit', 'churn', 'complaint_sla'] as const).map(async (type) => (await engine.alerts.store.list({ type, limit: 4 })).alerts))).flat();
console.log(latest.length ? '\nLatest alerts for risk officers (GET /v1/alerts):' : '\nNo alerts raised in this run.');
for (const alert of latest) {
  console.log(`  ${alert.type.padEnd(13)} ${alert.severity.padEnd(8)} ${alert.customerId.padEnd(16)} score ${alert.score.toFixed(2)}  [${alert.ruleIds.join(', ')}] ${alert.reasons.map((r) => r.text).join('; ').slice(0, 140)}`);
}

// Let the last offers reach the channel gateway and the archive before the sums.
await new Promise((r) => setTimeout(r, 2500));
console.log('\nCampaigns (GET /v1/campaigns/{id}/stats, from ClickHouse):');
const since = demoStartedAt;
for (const campaign of engine.offers.campaigns.current()) {
  const s = await campaignStats(engine.store, campaign, since, Date.now() + 1);
  const reasons = Object.entries(s.suppressed.byReason).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${r} ${n}`).join(', ');
  console.log(`  ${campaign.id.padEnd(20)} fired ${String(s.triggered).padStart(5)}  sent ${String(s.sent).padStart(4)}  held out ${String(s.holdout).padStart(3)}  delivered ${String(s.delivery.delivered).padStart(4)}  suppressed ${String(s.suppressed.total).padStart(5)}${reasons ? ` (${reasons})` : ''}`);
}
const unsigned = offerDemo.received.filter((r) => !r.signed).length;
const violations = capViolations(await offerDemo.contacts(), config.offers.policy.frequency_caps);
console.log(`Channel gateway received ${offerDemo.received.length} offers (${unsigned} with a bad signature); contact-cap violations: ${violations}.`);
await offerDemo.stop();

if (values['keep-running'] && !controller.signal.aborted) {
  console.log(`\nStill serving at ${address}; Ctrl-C to stop.`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
await engine.close();
if (!process.env.VIGIL_REDIS_PREFIX) {
  const redis = createRedis(config.redis, 'demo-cleanup', createLogger('silent'));
  await deleteKeysMatching(redis, `${config.redis.prefix}*`);
  await redis.quit();
}
