import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TABLES, toClickHouseDateTime64, type AggregateStore } from '../../aggregates/index.js';
import type { Pseudonymise } from '../../core/privacy/index.js';
import { customerParams } from '../../customers/index.js';

export interface ConsoleReadDeps {
  store: AggregateStore;
  pseudonymise: Pseudonymise;
}

const RISK_READERS = ['risk', 'risk-admin', 'admin'] as const;
const security = [{ bearerAuth: [] }];
const DAY_MS = 86_400_000;

/**
 * Read models the console draws that no other route gives: a customer's events for the case
 * timeline, and alerts per day by rule for the chart. Both from ClickHouse, where customers are
 * held by pseudonym (the id is hashed here, never stored).
 */
export async function consoleReadRoutes(app: FastifyInstance, deps: ConsoleReadDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = deps.store.database;

  api.get('/v1/customers/:customerId/events', {
    config: { roles: RISK_READERS },
    schema: {
      tags: ['customers'], security, summary: "The customer's processed events, newest first (the case timeline)",
      description: 'Payloads as archived: IPs and account numbers are replaced by their keyed hashes unless VIGIL_ANALYTICS_RAW_IDENTIFIERS.',
      params: customerParams,
      querystring: z.strictObject({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: z.iso.datetime({ offset: true }).optional().describe('only events that occurred before this time (paging)'),
      }),
    },
    handler: async (request) => {
      const { limit, before } = request.query;
      const rows = await deps.store.query<{ event_id: string; type: string; channel: string; occurred_at: string; amount_minor: string | number; currency: string; payload: string }>(
        `SELECT event_id, type, channel, occurred_at, amount_minor, currency, payload FROM ${db}.${TABLES.events}
         WHERE customer_id = {customer:String} ${before ? 'AND occurred_at < {before:DateTime64(3)}' : ''}
         ORDER BY occurred_at DESC, event_id DESC LIMIT {limit:UInt32}`,
        { customer: deps.pseudonymise(request.params.customerId), limit, ...(before ? { before: toClickHouseDateTime64(Date.parse(before)) } : {}) },
      );
      return {
        customerId: request.params.customerId,
        events: rows.map((row) => ({
          eventId: row.event_id, type: row.type, channel: row.channel, occurredAt: asIso(row.occurred_at),
          amountMinor: Number(row.amount_minor), currency: row.currency, payload: parseJson(row.payload),
        })),
      };
    },
  });

  api.get('/v1/alerts/daily-by-rule', {
    config: { roles: RISK_READERS },
    schema: {
      tags: ['alerts'], security, summary: 'Alerts raised per day and rule (UTC days), for the chart of what fires',
      querystring: z.strictObject({ days: z.coerce.number().int().min(1).max(400).default(30) }),
    },
    handler: async (request) => {
      const from = Date.now() - request.query.days * DAY_MS;
      const rows = await deps.store.query<{ day: string; rule: string; alerts: string | number }>(
        `SELECT toString(toDate(created_at)) AS day, arrayJoin(rule_ids) AS rule, count() AS alerts FROM ${db}.alerts
         WHERE created_at >= {from:DateTime64(3)} GROUP BY day, rule ORDER BY day, rule`,
        { from: toClickHouseDateTime64(from) },
      );
      return { days: request.query.days, rows: rows.map((r) => ({ day: r.day, rule: r.rule, alerts: Number(r.alerts) })) };
    },
  });
}

function asIso(clickhouseTime: string): string {
  return new Date(`${clickhouseTime.replace(' ', 'T')}Z`).toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
