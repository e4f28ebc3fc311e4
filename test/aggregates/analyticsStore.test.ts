import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_ROW_TIME, CUSTOMER_TABLES, TABLES, openAggregateStore, pseudonymisedEventRow, pseudonymisingStore, toEventRow,
  type AggregateStore,
} from '../../aggregates/index.js';
import { pseudonymiser } from '../../core/privacy/index.js';
import { tempDataDir, vigilEvent } from './fixtures.js';

// ClickHouse must never hold the bank's customer id, a raw IP or an account number unless the
// operator allows raw identifiers; rows are rewritten at the one gate every writer inserts through.

const data = tempDataDir();
const pseudonymise = pseudonymiser('a-test-key-of-at-least-32-characters');
let raw: AggregateStore;

beforeAll(async () => {
  raw = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_analytics' });
});
afterAll(async () => {
  await raw?.close();
  data.remove();
});

const transfer = (overrides: Record<string, unknown> = {}) => vigilEvent({
  type: 'transfer_out', event_id: 'tr-1', customer_id: 'cust-secret-42', occurred_at: '2026-03-01T10:00:00Z', channel: 'mobile_app',
  amount: '250.00', currency: 'EUR', counterparty: { account: 'DE89 3704 0044 0532 0130 00', name: 'A. Payee' },
  device: { id: 'dev-9', ip: '203.0.113.7' },
  ...overrides,
});
const meta = { partition: 1, streamId: '1-0', ingestedAtMs: 0, processedAtMs: 0 };

describe('pseudonymised event rows', () => {
  it('replace the customer id in the column and the payload, and hash the IP, its network and the account number', () => {
    const row = pseudonymisedEventRow(toEventRow(transfer(), meta), { pseudonymise, rawIdentifiers: false });
    expect(row.customer_id).toBe(pseudonymise('cust-secret-42'));
    expect(row.payload).not.toMatch(/cust-secret-42|203\.0\.113\.7|DE89|0532/);
    const payload = JSON.parse(row.payload);
    expect(payload.customer_id).toBe(pseudonymise('cust-secret-42'));
    // The network's hash is the /24's (what network features read): another address in it has the same.
    expect(payload.device).toEqual({ id: 'dev-9', ip_hash: pseudonymise('203.0.113.7', 'ip'), network_hash: pseudonymise('4:203.0.113', 'network') });
    const neighbour = pseudonymisedEventRow(toEventRow(transfer({ device: { id: 'dev-9', ip: '203.0.113.200' } }), meta), { pseudonymise, rawIdentifiers: false });
    expect(JSON.parse(neighbour.payload).device.network_hash).toBe(payload.device.network_hash);
    expect(JSON.parse(neighbour.payload).device.ip_hash).not.toBe(payload.device.ip_hash);
    expect(payload.counterparty).toEqual({ name: 'A. Payee', account_hash: pseudonymise('DE89370400440532013000', 'account') });
  });

  it('keep raw IPs and account numbers when the operator allows them, but never the customer id', () => {
    const row = pseudonymisedEventRow(toEventRow(transfer(), meta), { pseudonymise, rawIdentifiers: true });
    const payload = JSON.parse(row.payload);
    expect(payload.device.ip).toBe('203.0.113.7');
    expect(payload.counterparty.account).toBe('DE89 3704 0044 0532 0130 00');
    expect(row.payload).not.toContain('cust-secret-42');
  });
});

describe('the pseudonymising store', () => {
  it('writes events and offer rows by pseudonym, and leaves tables without customers alone', async () => {
    const store = pseudonymisingStore(raw, { pseudonymise, rawIdentifiers: false });
    await store.insertRows(TABLES.events, [toEventRow(transfer(), meta)]);
    await store.insertRows(`${raw.database}.${TABLES.offerResponses}`, [{ event_id: 'r-1', offer_id: 'o-1', campaign_id: 'c', customer_id: 'cust-secret-42', response: 'viewed', at: '2026-03-01 10:00:00.000' }]);
    const events = await raw.query<{ customer_id: string; payload: string }>(`SELECT customer_id, payload FROM ${raw.database}.events`);
    expect(events).toHaveLength(1);
    expect(events[0]!.customer_id).toBe(pseudonymise('cust-secret-42'));
    expect(events[0]!.payload).not.toMatch(/cust-secret-42|203\.0\.113\.7|DE89/);
    const [response] = await raw.query<{ customer_id: string }>(`SELECT customer_id FROM ${raw.database}.${TABLES.offerResponses}`);
    expect(response!.customer_id).toBe(pseudonymise('cust-secret-42'));
  });

  it('writes the ids of reviews that raised an alert or decided an offer by pseudonym too: they name the customer', async () => {
    const store = pseudonymisingStore(raw, { pseudonymise, rawIdentifiers: false });
    const reviewId = 'review:cust-secret-42:1772366400000';
    await store.insertRows(`${raw.database}.alerts`, [{
      id: 'alt_1', customer_id: 'cust-secret-42', type: 'churn', severity: 'high', score: 0.6, rule_ids: ['salary-stopped'], reasons: '[]',
      triggering_event_ids: [reviewId, 'tr-1'], rule_set_version: '2026.4', created_at: '2026-03-01 12:00:00.000', due_at: null,
    }]);
    await store.insertRows(`${raw.database}.${TABLES.offerDecisions}`, [{
      decision_id: reviewId, campaign_id: 'birthday', customer_id: 'cust-secret-42', outcome: 'offered', reason: '', detail: '', offer_id: 'off_1',
      channel: 'push', decided_at: '2026-03-01 12:00:00.000', event_type: 'customer_review', event_occurred_at: '2026-03-01 12:00:00.000',
      latency_ms: 3, campaigns_revision: 1,
    }]);
    const pseudonymous = `review:${pseudonymise('cust-secret-42')}:1772366400000`;
    const [alert] = await raw.query<{ triggering_event_ids: string[] }>(`SELECT triggering_event_ids FROM ${raw.database}.alerts`);
    expect(alert!.triggering_event_ids).toEqual([pseudonymous, 'tr-1']);
    const [decision] = await raw.query<{ decision_id: string }>(`SELECT decision_id FROM ${raw.database}.${TABLES.offerDecisions}`);
    expect(decision!.decision_id).toBe(pseudonymous);
  });

  it('covers every ClickHouse table with a customer_id column, for writing and for erasure', async () => {
    const columns = await raw.query<{ table: string }>(
      "SELECT table FROM system.columns WHERE database = {db:String} AND name = 'customer_id' ORDER BY table", { db: raw.database },
    );
    const tables = columns.map((c) => c.table);
    expect(tables.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(CUSTOMER_TABLES).sort()).toEqual(tables);
    expect(Object.keys(CUSTOMER_ROW_TIME).sort()).toEqual(tables);
  });
});
