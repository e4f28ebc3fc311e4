-- One row per processed event, kept for replay and analysis. Sorted by customer so a customer's
-- history is one range read; partitioned by month so the TTL drops whole partitions.
-- The deduplication window makes insert_deduplication_token work on a single, non-replicated node:
-- a batch retried after a crash between insert and XACK is skipped.
CREATE TABLE IF NOT EXISTS {{database}}.events
(
    event_id     String,
    customer_id  String,
    type         LowCardinality(String),
    channel      LowCardinality(String),
    occurred_at  DateTime64(3, 'UTC'),
    ingested_at  DateTime64(3, 'UTC'),
    processed_at DateTime64(3, 'UTC'),
    partition    UInt16,
    stream_id    String,
    country      LowCardinality(String),
    currency     LowCardinality(String),
    amount_minor Int64,
    payload      String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (customer_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;
