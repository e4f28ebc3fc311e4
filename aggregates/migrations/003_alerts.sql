-- One row per raised alert, the long-term record after Redis drops resolved alerts. Sorted by
-- customer so a customer's alert history is one range read; monthly partitions so the TTL drops
-- whole partitions. Rows are written one per insert with the alert id as insert_deduplication_token,
-- so an alert archived twice (outbox retry) is stored once while the token is inside the window.
CREATE TABLE IF NOT EXISTS {{database}}.alerts
(
    id                   String,
    customer_id          String,
    type                 LowCardinality(String),
    severity             LowCardinality(String),
    score                Float64,
    rule_ids             Array(String),
    reasons              String,
    triggering_event_ids Array(String),
    rule_set_version     LowCardinality(String),
    created_at           DateTime64(3, 'UTC'),
    due_at               Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(created_at)
ORDER BY (customer_id, created_at, id)
TTL toDateTime(created_at) + INTERVAL 7 YEAR
SETTINGS non_replicated_deduplication_window = 10000;

-- The audit trail: every change of every alert (raised, acknowledged, assigned, resolved,
-- reopened, commented), who made it and when. `seq` is the change's position in the alert's
-- history (0 = raised); (alert_id, seq) is the dedup token, so a transition is stored once.
-- from_status is '' for the 'raised' row.
CREATE TABLE IF NOT EXISTS {{database}}.alert_transitions
(
    alert_id    String,
    seq         UInt32,
    at          DateTime64(3, 'UTC'),
    actor       String,
    action      LowCardinality(String),
    from_status LowCardinality(String),
    to_status   LowCardinality(String),
    assignee    String,
    disposition LowCardinality(String),
    comment     String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (alert_id, seq)
TTL toDateTime(at) + INTERVAL 7 YEAR
SETTINGS non_replicated_deduplication_window = 10000;
