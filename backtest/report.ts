import type { BacktestProgress, BacktestStatus, RuleScore } from './schema.js';

// What `npm run backtest` prints: a progress line while it runs, then the figures and the
// comparison as a table an officer reads at a glance. Pure: text from a status.

const number = (n: number) => n.toLocaleString('en-GB');
const percent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`);

export function progressLine(status: Pick<BacktestStatus, 'state' | 'progress'>): string {
  const p: BacktestProgress = status.progress;
  const total = p.events_total === null ? '' : `/${number(p.events_total)}`;
  const until = p.replayed_until ? `, at ${p.replayed_until}` : '';
  return `${status.state}: ${number(p.events_read)}${total} events read, ${number(p.reviews)} reviews${until}`;
}

export function formatBacktest(status: BacktestStatus): string {
  const result = status.result;
  if (!result) return `backtest ${status.id} is ${status.state}${status.error ? `: ${status.error}` : ''}`;
  const { published, candidate, comparison } = result;
  const lines = [
    `backtest ${status.id}, asked by ${status.requested_by}: ${status.from} to ${status.to}`,
    `${number(result.events_read)} events and ${number(result.reviews)} reviews replayed in ${result.seconds.toFixed(1)} s: ${number(result.events_per_second)} events/s`
      + (result.events_unreadable > 0 ? ` (${number(result.events_unreadable)} stored rows unreadable, skipped)` : ''),
    `labels: ${number(result.labels.labelled_in_range)} live alerts in the range resolved with a verdict`
      + ` (confirmed: ${Object.entries(result.labels.confirmed_in_range).map(([type, n]) => `${type} ${n}`).join(', ') || 'none'})`,
    '',
  ];
  const header = ['rule', `published ${published.version}`, ...(candidate ? [`candidate ${candidate.version}`, 'only published', 'only candidate'] : []),
    'precision', 'recall', ...(candidate ? ['precision (cand.)', 'recall (cand.)'] : [])];
  const ruleIds = [...new Set([...Object.keys(published.scores), ...Object.keys(candidate?.scores ?? {})])].sort();
  const rows = ruleIds.map((id) => {
    const p: RuleScore | undefined = published.scores[id];
    const c: RuleScore | undefined = candidate?.scores[id];
    return [
      id, p ? number(p.alerts) : '–',
      ...(candidate ? [c ? number(c.alerts) : '–', number(comparison?.only_published_by_rule[id] ?? 0), number(comparison?.only_candidate_by_rule[id] ?? 0)] : []),
      percent(p?.precision), percent(p?.recall),
      ...(candidate ? [percent(c?.precision), percent(c?.recall)] : []),
    ];
  });
  const blank = (n: number) => Array.from({ length: n }, () => '');
  const totals = [
    ['alerts', number(published.alerts), ...(candidate && comparison ? [number(candidate.alerts), number(comparison.only_published), number(comparison.only_candidate)] : []), ...blank(candidate ? 4 : 2)],
    ['customers alerted', number(published.customers_alerted), ...(candidate ? [number(candidate.customers_alerted), '', ''] : []), ...blank(candidate ? 4 : 2)],
  ];
  lines.push(...table([header, ...rows, ...totals]));
  if (comparison) lines.push('', `alerts in both: ${number(comparison.both)}`);
  return lines.join('\n');
}

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd());
}
