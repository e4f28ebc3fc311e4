-- Per-minute counts and minor-unit sums by event time. SummingMergeTree folds rows with the same
-- key only when parts merge, so readers must always sum() with GROUP BY.
-- The rollup needs its own deduplication window: a batch skipped in `events` as a retry is still
-- pushed through the view, and only this window (with deduplicate_blocks_in_dependent_materialized_views)
-- stops it being counted twice.
CREATE TABLE IF NOT EXISTS {{database}}.event_rollups_1m
(
    minute       DateTime('UTC'),
    type         LowCardinality(String),
    channel      LowCardinality(String),
    country      LowCardinality(String),
    currency     LowCardinality(String),
    events       UInt64,
    amount_minor Int64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, type, channel, country, currency)
TTL minute + INTERVAL 800 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.events_to_rollups_1m TO {{database}}.event_rollups_1m AS
SELECT
    toStartOfMinute(toDateTime(occurred_at, 'UTC')) AS minute,
    type,
    channel,
    country,
    currency,
    count() AS events,
    sum(amount_minor) AS amount_minor
FROM {{database}}.events
GROUP BY minute, type, channel, country, currency;
