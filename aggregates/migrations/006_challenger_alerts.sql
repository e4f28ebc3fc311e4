-- A challenger rule set runs beside the published one (the champion) on live events and raises
-- nothing (risk/challengerRegistry.ts). Each event it was assessed on leaves one row per alert type
-- that either set would alert on: what the challenger would have raised (severity, rules, score),
-- and whether the champion did raise one of that type on the same event. Rows where only the
-- champion alerted (challenger_alerted = 0) make "champion only" countable from this table alone,
-- over exactly the events both sets saw. Rows ride the events' flush (processors/aggregateFlush.ts)
-- under the batch's dedup token, so a batch written again after a crash is stored once.
CREATE TABLE IF NOT EXISTS {{database}}.challenger_alerts
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (challenger_version, occurred_at, event_id, type)
TTL toDateTime(occurred_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;
