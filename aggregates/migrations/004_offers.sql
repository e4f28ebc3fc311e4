-- Offers: one row per campaign that fired on an event (offered, held out, or suppressed with the
-- reason), per delivery outcome and per customer response. The offer log in Redis is archived here
-- at least once, so the tables replace by their natural key: a row written twice (consumer retry)
-- is one row after merges, and the stats read with FINAL.
CREATE TABLE IF NOT EXISTS {{database}}.offer_decisions
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
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(decided_at)
ORDER BY (campaign_id, decision_id, customer_id)
TTL toDateTime(decided_at) + INTERVAL 2 YEAR;

-- What happened to each sent offer: delivered to the channel, cancelled (consent withdrawn since
-- the decision) or dead-lettered (the channel endpoint kept failing).
CREATE TABLE IF NOT EXISTS {{database}}.offer_deliveries
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
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (campaign_id, offer_id, status)
TTL toDateTime(at) + INTERVAL 2 YEAR;

-- offer_response events (viewed, accepted, declined) as they came through the pipeline.
CREATE TABLE IF NOT EXISTS {{database}}.offer_responses
(
    event_id    String,
    offer_id    String,
    campaign_id String,
    customer_id String,
    response    LowCardinality(String),
    at          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (offer_id, event_id)
TTL toDateTime(at) + INTERVAL 2 YEAR;
