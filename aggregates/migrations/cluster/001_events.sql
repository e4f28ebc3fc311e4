-- Cluster twin of ../001_events.sql, for a replicated, sharded ClickHouse cluster (see
-- aggregates/README.md). Vigil never runs these files itself: an operator applies them once, with
-- {{database}} filled in, on any one node BEFORE the engine first connects, and ON CLUSTER creates
-- every object on every node. {cluster}, {shard} and {replica} are each server's own macros.
--
-- Layout: each single-node table becomes <name>_local (Replicated*MergeTree, one copy per replica
-- of a shard) plus a Distributed table under the single-node name, over the <name>_local of every
-- shard. The engine inserts into and reads from the names it knows, so it finds the Distributed
-- tables; its own CREATE ... IF NOT EXISTS migrations then find every name taken and do nothing.
-- Retention (ALTER ... MODIFY TTL) and erasure (DELETE) must address <name>_local ON CLUSTER
-- instead, which the engine does not do yet: read "Status" in aggregates/README.md first.
-- Columns, partitioning, sorting keys and TTL are the single-node ones (test/aggregates/clusterMigrations.test.ts).
--
-- Deduplication of retried batches (insert_deduplication_token) uses Keeper on a replicated table:
-- the same 10,000 most recent blocks the single-node window keeps, and a time limit long enough
-- (7 days) that the count, as on one node, is what bounds it. The server default is one hour.
CREATE DATABASE IF NOT EXISTS {{database}} ON CLUSTER '{cluster}';

CREATE TABLE IF NOT EXISTS {{database}}.events_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (customer_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + INTERVAL 400 DAY
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

-- Sharded by the customer's pseudonym (customer_id holds it, never the bank's id), so a customer's
-- whole history lives on one shard: the per-customer range reads of the timeline and of export and
-- erasure touch one shard's data, and the uplift join of offer_decisions to events pairs rows that
-- were routed alike. A retried batch splits across shards the same way, so each shard dedups its part.
CREATE TABLE IF NOT EXISTS {{database}}.events ON CLUSTER '{cluster}'
AS {{database}}.events_local
ENGINE = Distributed('{cluster}', '{{database}}', 'events_local', cityHash64(customer_id));
