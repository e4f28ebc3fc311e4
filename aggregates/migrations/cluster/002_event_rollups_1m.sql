-- Cluster twin of ../002_event_rollups_1m.sql. Each shard rolls up its own events: the view
-- reads events_local and writes event_rollups_1m_local on the same node, so a minute × type × …
-- key has one partial row per shard, and readers already sum() with GROUP BY (parts may be
-- unmerged on one node too), which the Distributed table does across shards.
-- The rollup keeps its own replicated dedup window: with deduplicate_blocks_in_dependent_materialized_views
-- (set on every insert, aggregates/store/shared.ts) a batch skipped in events_local as a retry
-- is not counted again here.
CREATE TABLE IF NOT EXISTS {{database}}.event_rollups_1m_local ON CLUSTER '{cluster}'
(
    minute       DateTime('UTC'),
    type         LowCardinality(String),
    channel      LowCardinality(String),
    country      LowCardinality(String),
    currency     LowCardinality(String),
    events       UInt64,
    amount_minor Int64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, type, channel, country, currency)
TTL minute + INTERVAL 800 DAY
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

-- The single-node view's name, so the engine's own migration finds it and does nothing; an MV on
-- the Distributed events would see every insert on the node it arrives at and count it again.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.events_to_rollups_1m ON CLUSTER '{cluster}' TO {{database}}.event_rollups_1m_local AS
SELECT
    toStartOfMinute(toDateTime(occurred_at, 'UTC')) AS minute,
    type,
    channel,
    country,
    currency,
    count() AS events,
    sum(amount_minor) AS amount_minor
FROM {{database}}.events_local
GROUP BY minute, type, channel, country, currency;

-- Read-only for Vigil: no sharding key, so an insert through it is refused on more than one shard
-- (only the view writes rollups).
CREATE TABLE IF NOT EXISTS {{database}}.event_rollups_1m ON CLUSTER '{cluster}'
AS {{database}}.event_rollups_1m_local
ENGINE = Distributed('{cluster}', '{{database}}', 'event_rollups_1m_local');
