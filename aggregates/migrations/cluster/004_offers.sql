-- Cluster twin of ../004_offers.sql. These tables replace rows by their natural key and are read
-- with FINAL, which a Distributed table applies on each shard separately: correct only because
-- two copies of a row always reach the same shard. Every row of a customer is routed by the
-- customer's pseudonym, which both copies carry.
CREATE TABLE IF NOT EXISTS {{database}}.offer_decisions_local ON CLUSTER '{cluster}'
(
    decision_id        String,
    campaign_id        String,
    customer_id        String,
    outcome            LowCardinality(String),
    reason             LowCardinality(String),
    detail             String,
    offer_id           String,
    channel            LowCardinality(String),
    decided_at         DateTime64(3, 'UTC'),
    event_type         LowCardinality(String),
    event_occurred_at  DateTime64(3, 'UTC'),
    latency_ms         UInt32,
    campaigns_revision UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(decided_at)
ORDER BY (campaign_id, decision_id, customer_id)
TTL toDateTime(decided_at) + INTERVAL 2 YEAR;

CREATE TABLE IF NOT EXISTS {{database}}.offer_decisions ON CLUSTER '{cluster}'
AS {{database}}.offer_decisions_local
ENGINE = Distributed('{cluster}', '{{database}}', 'offer_decisions_local', cityHash64(customer_id));

CREATE TABLE IF NOT EXISTS {{database}}.offer_deliveries_local ON CLUSTER '{cluster}'
(
    offer_id    String,
    campaign_id String,
    customer_id String,
    channel     LowCardinality(String),
    status      LowCardinality(String),
    reason      String,
    attempts    UInt16,
    at          DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(at)
ORDER BY (campaign_id, offer_id, status)
TTL toDateTime(at) + INTERVAL 2 YEAR;

CREATE TABLE IF NOT EXISTS {{database}}.offer_deliveries ON CLUSTER '{cluster}'
AS {{database}}.offer_deliveries_local
ENGINE = Distributed('{cluster}', '{{database}}', 'offer_deliveries_local', cityHash64(customer_id));

CREATE TABLE IF NOT EXISTS {{database}}.offer_responses_local ON CLUSTER '{cluster}'
(
    event_id    String,
    offer_id    String,
    campaign_id String,
    customer_id String,
    response    LowCardinality(String),
    at          DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(at)
ORDER BY (offer_id, event_id)
TTL toDateTime(at) + INTERVAL 2 YEAR;

CREATE TABLE IF NOT EXISTS {{database}}.offer_responses ON CLUSTER '{cluster}'
AS {{database}}.offer_responses_local
ENGINE = Distributed('{cluster}', '{{database}}', 'offer_responses_local', cityHash64(customer_id));
