/** Table names inside the Vigil database; qualify them with `store.database` in SQL. */
export const TABLES = {
  events: 'events',
  eventRollups1m: 'event_rollups_1m',
  eventsToRollups1m: 'events_to_rollups_1m',
  schemaMigrations: 'schema_migrations',
  offerDecisions: 'offer_decisions',
  offerDeliveries: 'offer_deliveries',
  offerResponses: 'offer_responses',
  challengerAlerts: 'challenger_alerts',
} as const;
