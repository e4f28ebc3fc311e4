// Just enough PromQL reading to list the metric names an expression selects, so dashboards and
// alert rules can be checked against the metrics Vigil actually registers.

const CALLS_AND_KEYWORDS: ReadonlySet<string> = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset',
  'inf', 'nan',
]);

/** Metric names selected by a PromQL expression (function and aggregation names excluded). */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+-?\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.$])[A-Za-z_:][\w:]*/g)) {
    const rest = stripped.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation call
    if (CALLS_AND_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * Whether `name` is exported: a registered metric, a histogram/summary series of one, fastify-metrics'
 * HTTP histogram, or Prometheus' own `up`.
 */
export function isKnownMetric(name: string, registered: ReadonlyMap<string, string>): boolean {
  if (name === 'up' || registered.has(name)) return true;
  if (/^http_request_duration_seconds(?:_bucket|_sum|_count)?$/.test(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  if (!suffix) return false;
  const type = registered.get(name.slice(0, -suffix.length));
  return type === 'histogram' || type === 'summary';
}
