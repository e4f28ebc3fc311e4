-- Cluster twin of ../005_alert_model_versions.sql: the column on the shards' local tables, then on
-- the Distributed table that reads them (a Distributed table has its own column list).
ALTER TABLE {{database}}.alerts_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS model_versions Array(String) DEFAULT [];

ALTER TABLE {{database}}.alerts ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS model_versions Array(String) DEFAULT [];
