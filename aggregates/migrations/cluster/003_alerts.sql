-- Cluster twin of ../003_alerts.sql. An alert is one insert under its id as dedup token; the
-- Distributed table sends a retry to the same shard (same customer), whose replicated window skips it.
CREATE TABLE IF NOT EXISTS {{database}}.alerts_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(created_at)
ORDER BY (customer_id, created_at, id)
TTL toDateTime(created_at) + INTERVAL 7 YEAR
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

CREATE TABLE IF NOT EXISTS {{database}}.alerts ON CLUSTER '{cluster}'
AS {{database}}.alerts_local
ENGINE = Distributed('{cluster}', '{{database}}', 'alerts_local', cityHash64(customer_id));

CREATE TABLE IF NOT EXISTS {{database}}.alert_transitions_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(at)
ORDER BY (alert_id, seq)
TTL toDateTime(at) + INTERVAL 7 YEAR
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

-- Transitions carry no customer: sharded by alert, so an alert's history is on one shard and a
-- retried transition (token alert_id:seq) reaches the shard that already holds it. Queries joining
-- them to alerts by customer (export, erasure) need distributed_product_mode = 'global' (README).
CREATE TABLE IF NOT EXISTS {{database}}.alert_transitions ON CLUSTER '{cluster}'
AS {{database}}.alert_transitions_local
ENGINE = Distributed('{cluster}', '{{database}}', 'alert_transitions_local', cityHash64(alert_id));
