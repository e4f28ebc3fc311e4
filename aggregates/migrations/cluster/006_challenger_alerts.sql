-- Cluster twin of ../005_challenger_alerts.sql. Rows are inserted with the events of their batch
-- under the batch's dedup token; sharded by the customer's pseudonym like the events, so a retried
-- batch's rows reach the shards that hold their first copy.
CREATE TABLE IF NOT EXISTS {{database}}.challenger_alerts_local ON CLUSTER '{cluster}'
(
    event_id            String,
    customer_id         String,
    occurred_at         DateTime64(3, 'UTC'),
    type                LowCardinality(String),
    challenger_version  LowCardinality(String),
    champion_version    LowCardinality(String),
    challenger_alerted  UInt8,
    severity            LowCardinality(String),
    rule_ids            Array(String),
    score               Float64,
    champion_alerted    UInt8,
    champion_rule_ids   Array(String),
    recorded_at         DateTime64(3, 'UTC')
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (challenger_version, occurred_at, event_id, type)
TTL toDateTime(occurred_at) + INTERVAL 400 DAY
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

CREATE TABLE IF NOT EXISTS {{database}}.challenger_alerts ON CLUSTER '{cluster}'
AS {{database}}.challenger_alerts_local
ENGINE = Distributed('{cluster}', '{{database}}', 'challenger_alerts_local', cityHash64(customer_id));
