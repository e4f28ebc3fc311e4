import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { INGEST_KEY, RISK_KEY, eventually, startTestEngine, testConfig } from '../support/testEngine.js';

// A privacy complaint flows like any complaint (a complaint_sla alert for risk officers) but is
// due within its own SLA, VIGIL_COMPLAINT_SLA_HOURS_PRIVACY, and shows overdue once that passes.

const config = testConfig({ VIGIL_COMPLAINT_SLA_HOURS: '48', VIGIL_COMPLAINT_SLA_HOURS_PRIVACY: '24' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  engine = await startTestEngine(config);
});
afterAll(async () => engine?.dispose());

const HOUR = 3_600_000;
function complaint(customer: string, category: string, hoursAgo: number): EventInput {
  return {
    type: 'complaint', event_id: `cmp-${customer}`, customer_id: customer, channel: 'call_centre',
    occurred_at: new Date(Date.now() - hoursAgo * HOUR).toISOString(), complaint: { id: `c-${customer}`, category },
  } as EventInput;
}

describe('privacy complaints', () => {
  it('raise a complaint alert due within the privacy SLA, overdue once it passes, while other complaints keep theirs', async () => {
    const events = [complaint('cmp-privacy-1', 'privacy', 30), complaint('cmp-fees-1', 'fees', 30)];
    const posted = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: as(INGEST_KEY), payload: { events } });
    expect(posted.json()).toMatchObject({ accepted: 2, rejected: [] });

    const alertOf = async (customer: string): Promise<{ dueAt: string } | undefined> =>
      (await engine.app.inject({ url: `/v1/alerts?customer_id=${customer}`, headers: as(RISK_KEY) })).json().alerts?.[0];
    const privacy = await eventually(() => alertOf('cmp-privacy-1'), Boolean);
    const fees = await eventually(() => alertOf('cmp-fees-1'), Boolean);
    if (!privacy || !fees) throw new Error('both complaints raise an alert');
    expect(privacy).toMatchObject({ type: 'complaint_sla', ruleIds: ['complaint-opened'], overdue: true });
    expect(Date.parse(privacy.dueAt) - Date.parse(events[0]!.occurred_at as string)).toBe(24 * HOUR);
    expect(fees).toMatchObject({ type: 'complaint_sla', overdue: false });
    expect(Date.parse(fees.dueAt) - Date.parse(events[1]!.occurred_at as string)).toBe(48 * HOUR);

    const overdue = (await engine.app.inject({ url: '/v1/alerts?type=complaint_sla&overdue=true', headers: as(RISK_KEY) })).json().alerts;
    expect(overdue.map((a: { customerId: string }) => a.customerId)).toEqual(['cmp-privacy-1']);
  });
});
