-- The model versions behind each rule of an alert, parallel to rule_ids: model_versions[i] lists
-- (comma-separated `<name>@<version>`) the models whose score made rule_ids[i] fire, '' when that
-- rule read none. Rule performance is grouped by it, so a retrained model is judged apart from the
-- one it replaced. Rows archived before this migration read [] here; model_versions[i] past the
-- end of an array is '' in ClickHouse, so they count as "no model".
ALTER TABLE {{database}}.alerts ADD COLUMN IF NOT EXISTS model_versions Array(String) DEFAULT [];
