import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardPayment, login } from '../support/events.js';
import { ADMIN_KEY, INGEST_KEY, RISK_ADMIN_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// Two engines on one Redis prefix: a change made through one's API reaches the other's copy of
// the lists; events are processed by whichever holds the partition.
const config = testConfig({ VIGIL_LISTS_POLL_MS: '100', VIGIL_RULES_POLL_MS: '100' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let second: Awaited<ReturnType<typeof startTestEngine>>;

const RULES = {
  version: 'lists-pipeline-1',
  rules: [
    {
      id: 'device-blocked', name: 'Blocked device', description: 'A device on the block list', alert_type: 'fraud', severity: 'critical',
      weight: 0.9, mode: 'active', suppress_for: '0s', when: { event_types: ['login'] },
      condition: { field: 'event.device.id', op: 'in_list', value: 'blocked-devices' },
    },
    {
      id: 'ip-blocked', name: 'Blocked IP', description: 'An address on the block list', alert_type: 'fraud', severity: 'high',
      weight: 0.5, mode: 'active', suppress_for: '0s', when: { event_types: ['login'] },
      condition: { field: 'event.device.ip', op: 'in_list', value: 'blocked-ips' },
    },
    {
      id: 'any-payment', name: 'Any payment', description: 'Fires on every card payment, to test snoozes', alert_type: 'churn', severity: 'low',
      weight: 0.1, mode: 'active', suppress_for: '0s', when: { event_types: ['card_payment'] },
      condition: { field: 'event.amount', op: 'gt', value: 0 },
    },
  ],
};

beforeAll(async () => {
  engine = await startTestEngine(config);
  second = await startTestEngine(config, { workerName: 'second' });
  const published = await engine.app.inject({
    method: 'PUT', url: '/v1/rules', headers: as(RISK_ADMIN_KEY), payload: { format: 'json', text: JSON.stringify(RULES) },
  });
  expect(published.statusCode).toBe(200);
  await eventually(async () => [engine.rules.current().version, second.rules.current().version], (v) => v.every((x) => x === RULES.version));
});
afterAll(async () => {
  await second?.close();
  await engine?.dispose();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const post = async (event: Record<string, unknown>) => {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: event });
  expect(res.json().accepted).toBe(1);
};
const alertsOf = async (customer: string) =>
  (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}&min_severity=low`, headers: as(RISK_KEY) })).json().alerts as {
    ruleIds: string[]; type: string; reasons: { ruleId: string; text: string }[];
  }[];
/** Waits until the customer's events have all been processed, so "no alert" is not "not yet". */
const processed = (customer: string, events: number) =>
  eventually(async () => (await engine.app.inject({ url: `/v1/customers/${customer}/features`, headers: as(RISK_KEY) })).json().features?.events_total, (n) => n === events);
const addEntry = (list: string, value: string, expiresAt: string, reason = 'reported stolen') =>
  engine.app.inject({ method: 'POST', url: `/v1/lists/${list}/entries`, headers: as(RISK_KEY), payload: { value, reason, expires_at: expiresAt } });
/** Both engines' copies see (or no longer see) the value: the hot reload reached them. */
const bothSee = (list: string, value: string, seen: boolean) =>
  eventually(async () => [engine, second].map((e) => e.lists.registry.at(Date.now()).find(list, value) !== undefined), (v) => v.every((x) => x === seen));

describe('a rule using in_list through the real pipeline', () => {
  it('alerts on a listed device, explaining the entry, until the entry expires', async () => {
    expect((await addEntry('blocked-devices', 'dev-stolen-1', inMs(3_000))).statusCode).toBe(201);
    await bothSee('blocked-devices', 'dev-stolen-1', true);
    await post(login({ customer_id: 'lp-1', device: { id: 'dev-stolen-1' } }));
    const [alert] = await eventually(() => alertsOf('lp-1'), (a) => a.length === 1);
    expect(alert!.ruleIds).toEqual(['device-blocked']);
    expect(alert!.reasons[0]!.text).toMatch(/^device dev-stolen-1 is on block list blocked-devices: reported stolen \(until \d{4}-\d\d-\d\d\)$/);

    // Expired entries stop matching at once, before any sweep removes them from Redis.
    await bothSee('blocked-devices', 'dev-stolen-1', false);
    await post(login({ customer_id: 'lp-1', device: { id: 'dev-stolen-1' } }));
    await processed('lp-1', 2);
    expect(await alertsOf('lp-1')).toHaveLength(1);
  });

  it('stops alerting once the entry is deleted, and a second engine follows the change', async () => {
    expect((await addEntry('blocked-ips', '::ffff:198.51.100.9', inMs(3_600_000))).statusCode).toBe(201);
    await bothSee('blocked-ips', '198.51.100.9', true);
    await post(login({ customer_id: 'lp-2', device: { id: 'dev-ok', ip: '198.51.100.9' } }));
    await eventually(() => alertsOf('lp-2'), (a) => a.length === 1);
    const metrics = await engine.metrics.registry.getSingleMetricAsString('vigil_list_matches_total')
      + await second.metrics.registry.getSingleMetricAsString('vigil_list_matches_total');
    expect(metrics).toMatch(/vigil_list_matches_total\{list="blocked-ips",purpose="block"\} 1/);

    const removed = await second.app.inject({ method: 'DELETE', url: '/v1/lists/blocked-ips/entries/198.51.100.9', headers: as(RISK_KEY) });
    expect(removed.statusCode).toBe(200);
    await bothSee('blocked-ips', '198.51.100.9', false);
    await post(login({ customer_id: 'lp-2', device: { id: 'dev-ok', ip: '198.51.100.9' } }));
    await processed('lp-2', 2);
    expect(await alertsOf('lp-2')).toHaveLength(1);
  });
});

describe('snoozing a rule for one customer', () => {
  const snooze = (customer: string, body: Record<string, unknown>, key = RISK_KEY) =>
    engine.app.inject({ method: 'POST', url: `/v1/customers/${customer}/snoozes`, headers: as(key), payload: body });

  it('refuses unknown rules with a suggestion, past or too distant ends, and roles that do not work alerts', async () => {
    const unknown = await snooze('lp-3', { rule_id: 'any-paymnt', reason: 'x', until: inMs(60_000) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/no rule "any-paymnt" .*did you mean "any-payment"/);
    expect((await snooze('lp-3', { rule_id: 'any-payment', reason: 'x', until: inMs(-1) })).json().errors.join()).toMatch(/not in the future/);
    expect((await snooze('lp-3', { rule_id: 'any-payment', reason: 'x', until: inMs(91 * 86_400_000) })).json().errors.join()).toMatch(/90 days/);
    expect((await snooze('lp-3', { rule_id: 'any-payment', reason: 'x\u0007', until: inMs(60_000) })).statusCode).toBe(400);
    expect((await snooze('bad id!', { rule_id: 'any-payment', reason: 'x', until: inMs(60_000) })).statusCode).toBe(400);
    const marketing = await engine.app.inject({ url: '/v1/customers/lp-3/snoozes', headers: { authorization: 'Bearer test-marketing-key-0123456789' } });
    expect(marketing.statusCode).toBe(403);
  });

  it('raises nothing for that customer while snoozed (the match is counted), and alerts again once it ends', async () => {
    const res = await snooze('lp-3', { rule_id: 'any-payment', reason: 'regular supplier payments, checked with the customer', until: inMs(3_000) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ rule_id: 'any-payment', snoozed_by: 'risk:officer.jones' });
    await post(cardPayment({ customer_id: 'lp-3' }));
    await post(cardPayment({ customer_id: 'lp-4' }));
    await processed('lp-3', 1);
    await eventually(() => alertsOf('lp-4'), (a) => a.length === 1);
    expect(await alertsOf('lp-3')).toEqual([]);
    const snoozedCount = (await engine.metrics.registry.getSingleMetricAsString('vigil_rule_snoozed_matches_total'))
      + (await second.metrics.registry.getSingleMetricAsString('vigil_rule_snoozed_matches_total'));
    expect(snoozedCount).toMatch(/rule="any-payment"\} 1/);

    const listed = (await engine.app.inject({ url: '/v1/customers/lp-3/snoozes', headers: as(RISK_KEY) })).json();
    expect(listed.snoozes).toEqual([expect.objectContaining({ rule_id: 'any-payment', reason: 'regular supplier payments, checked with the customer' })]);
    expect(listed.history).toEqual([expect.objectContaining({ action: 'snoozed', actor: 'risk:officer.jones', rule_id: 'any-payment' })]);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(res.json().until) - Date.now() + 50)));
    await post(cardPayment({ customer_id: 'lp-3' }));
    await eventually(() => alertsOf('lp-3'), (a) => a.length === 1);
    expect((await engine.app.inject({ url: '/v1/customers/lp-3/snoozes', headers: as(RISK_KEY) })).json().snoozes).toEqual([]);
  });

  it('shows a snoozed rule, marked, on an alert another rule of its type raised; unsnoozing lets it alert again', async () => {
    await addEntry('blocked-devices', 'dev-stolen-5', inMs(3_600_000));
    await addEntry('blocked-ips', '203.0.113.5', inMs(3_600_000));
    await bothSee('blocked-ips', '203.0.113.5', true);
    await bothSee('blocked-devices', 'dev-stolen-5', true);
    expect((await snooze('lp-5', { rule_id: 'ip-blocked', reason: 'office VPN exit, confirmed', until: inMs(3_600_000) }, RISK_ADMIN_KEY)).statusCode).toBe(201);
    await post(login({ customer_id: 'lp-5', device: { id: 'dev-stolen-5', ip: '203.0.113.5' } }));
    const [alert] = await eventually(() => alertsOf('lp-5'), (a) => a.length === 1);
    expect(alert!.ruleIds).toEqual(['device-blocked']);
    expect(alert!.reasons.find((r) => r.ruleId === 'ip-blocked')?.text)
      .toMatch(/^\[snoozed until .* by risk-admin:head.of.fraud: office VPN exit, confirmed\] IP 203.0.113.5 is on block list blocked-ips/);

    const ended = await engine.app.inject({ method: 'DELETE', url: '/v1/customers/lp-5/snoozes/ip-blocked', headers: as(RISK_KEY) });
    expect(ended.statusCode).toBe(200);
    expect((await engine.app.inject({ method: 'DELETE', url: '/v1/customers/lp-5/snoozes/ip-blocked', headers: as(RISK_KEY) })).json().error).toBe('SNOOZE_NOT_FOUND');
    await post(login({ customer_id: 'lp-5', device: { id: 'dev-ok', ip: '203.0.113.5' } }));
    const alerts = await eventually(() => alertsOf('lp-5'), (a) => a.length === 2);
    expect(alerts.map((a) => a.ruleIds.join())).toContain('ip-blocked');
  });
});

describe('privacy', () => {
  it('exports and erases the customer\'s list entries and snoozes, leaving no audit record naming them', async () => {
    const customer = 'lp-privacy-1';
    await engine.app.inject({
      method: 'POST', url: '/v1/lists/watched-customers/entries', headers: as(RISK_KEY),
      payload: { value: customer, reason: 'police request 42', expires_at: inMs(86_400_000) },
    });
    await engine.app.inject({ method: 'POST', url: `/v1/customers/${customer}/snoozes`, headers: as(RISK_KEY), payload: { rule_id: 'any-payment', reason: 'payroll', until: inMs(86_400_000) } });

    const exported = (await engine.app.inject({ url: `/v1/customers/${customer}/export`, headers: as(ADMIN_KEY) })).json();
    expect(exported.data.lists.entries).toEqual([expect.objectContaining({ list: 'watched-customers', purpose: 'watch', value: customer, reason: 'police request 42' })]);
    expect(exported.data.lists.entry_audit).toEqual([expect.objectContaining({ action: 'entry_added', value: customer })]);
    expect(exported.data.lists.snoozes).toEqual([expect.objectContaining({ ruleId: 'any-payment', reason: 'payroll' })]);

    const erased = await engine.app.inject({ method: 'DELETE', url: `/v1/customers/${customer}`, headers: as(ADMIN_KEY) });
    expect(erased.statusCode).toBe(200);
    expect(erased.json().removed).toMatchObject({ list_entries: 1, list_audit_records: 1, list_change_records: 1, snoozes: 1, snooze_history: 1 });
    expect((await engine.app.inject({ url: `/v1/lists/watched-customers/entries?value=${customer}`, headers: as(RISK_KEY) })).statusCode).toBe(404);
    const audit = (await engine.app.inject({ url: '/v1/lists/audit?limit=1000', headers: as(RISK_KEY) })).json().entries;
    expect(JSON.stringify(audit)).not.toContain(customer);
    expect(audit.find((a: { action: string }) => a.action === 'entry_erased')).toMatchObject({ list: 'watched-customers', actor: 'system:erasure' });
    expect((await engine.app.inject({ url: `/v1/customers/${customer}/snoozes`, headers: as(RISK_KEY) })).json()).toMatchObject({ snoozes: [], history: [] });
    await bothSee('watched-customers', customer, false);
    const again = (await engine.app.inject({ method: 'DELETE', url: `/v1/customers/${customer}`, headers: as(ADMIN_KEY) })).json();
    expect(again.removed).toMatchObject({ list_entries: 0, list_audit_records: 0, list_change_records: 0, snoozes: 0, snooze_history: 0 });
  });
});
