import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, enc, get, post } from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import { ErrorNote, formatTime, Notice, percent } from '../components/ui';
import type { RuleSetDocument } from '../types';

// The shapes of backtest/schema.ts as the page reads them.
interface RuleScore { alerts: number; labelled: number; true_positives: number; false_positives: number; precision: number | null; recall: number | null }
interface RuleSetOutcome { version: string; alerts: number; customers_alerted: number; by_rule: Record<string, number>; by_day: Record<string, number>; scores: Record<string, RuleScore> }
interface BacktestResult {
  events_read: number; events_unreadable: number; seconds: number;
  labels: { labelled_in_range: number };
  published: RuleSetOutcome; candidate?: RuleSetOutcome;
  comparison?: { only_published: number; only_candidate: number; both: number; only_published_by_rule: Record<string, number>; only_candidate_by_rule: Record<string, number> };
}
interface BacktestStatus {
  id: string; state: 'queued' | 'running' | 'done' | 'failed'; requested_by: string; from: string; to: string;
  published_version: string; candidate_version?: string;
  progress: { events_total: number | null; events_read: number; replayed_until: string | null };
  result?: BacktestResult; error?: string;
}

const POLL_MS = 1000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Backtest the draft against the published set over stored events (POST /v1/rules/backtests), following the job until it ends. */
export function RuleBacktest({ candidate }: { candidate: RuleSetDocument }) {
  const [from, setFrom] = useState(() => day(Date.now() - 30 * 86_400_000));
  const [to, setTo] = useState(() => day(Date.now() + 86_400_000));
  const [id, setId] = useState<string>();
  const [status, setStatus] = useState<BacktestStatus>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!id) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const follow = async () => {
      try {
        const next = await get<BacktestStatus>(`/v1/rules/backtests/${enc(id)}`);
        if (!live) return;
        setStatus(next);
        if (next.state === 'queued' || next.state === 'running') timer = setTimeout(() => void follow(), POLL_MS);
      } catch (err) { if (live) setError(err); }
    };
    void follow();
    return () => { live = false; clearTimeout(timer); };
  }, [id]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    setId(undefined);
    try {
      const res = await post<{ id: string }>('/v1/rules/backtests', { from, to, rule_set: candidate });
      setId(res.data.id);
    } catch (err) { setError(err); }
  }
  const running = status?.state === 'queued' || status?.state === 'running';
  return (
    <section className="card" aria-labelledby="backtest-heading">
      <h2 id="backtest-heading">Backtest the draft</h2>
      <p className="muted">Replays the stored events of the range through the published set and your draft, and scores both against the verdicts officers gave the live alerts. Features start empty at the first day; lists and snoozes are as they are now.</p>
      <form onSubmit={(e) => void start(e)} className="row">
        <div className="field"><label htmlFor="backtest-from">From (UTC day, inclusive)</label><input id="backtest-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} required /></div>
        <div className="field"><label htmlFor="backtest-to">To (UTC day, exclusive)</label><input id="backtest-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} required /></div>
        <button type="submit" disabled={running}>Backtest</button>
      </form>
      {error !== undefined && <p role="alert" className="error">Backtest not run: {error instanceof ApiError ? error.message.slice(0, 300) : String(error)}</p>}
      {status && running && <BacktestProgress status={status} />}
      {status?.state === 'failed' && <p role="alert" className="error">The backtest failed: {status.error}</p>}
      {status?.state === 'done' && status.result && <BacktestOutcome status={status} result={status.result} />}
    </section>
  );
}

function BacktestProgress({ status }: { status: BacktestStatus }) {
  const { events_total: total, events_read: read, replayed_until: until } = status.progress;
  return (
    <div>
      <Notice>Backtest {status.state}: {read}{total !== null ? ` of ${total}` : ''} events read{until ? `, replayed until ${formatTime(until)}` : ''}.</Notice>
      {total !== null && total > 0 && <progress max={total} value={read} aria-label="Events read" />}
    </div>
  );
}

function BacktestOutcome({ status, result }: { status: BacktestStatus; result: BacktestResult }) {
  const { published, candidate, comparison } = result;
  const all = [...new Set([...Object.keys(published.scores), ...Object.keys(candidate?.scores ?? {})])].sort();
  // Rules that raised nothing on either side are named in one line, not given a row each.
  const alerted = (rule: string) => (published.scores[rule]?.alerts ?? 0) + (candidate?.scores[rule]?.alerts ?? 0) > 0;
  const rules = all.filter(alerted);
  const silent = all.filter((rule) => !alerted(rule));
  return (
    <div>
      <Notice>Backtest done: {result.events_read} events from {formatTime(status.from)} to {formatTime(status.to)} in {result.seconds.toFixed(1)} s; {result.labels.labelled_in_range} live alerts in the range have a verdict.</Notice>
      {comparison && (
        <div className="stats" aria-label="Overlap of the two sets' alerts" role="group">
          <div className="stat"><div>Only published</div><div className="value">{comparison.only_published}</div></div>
          <div className="stat"><div>Only candidate</div><div className="value">{comparison.only_candidate}</div></div>
          <div className="stat"><div>Both</div><div className="value">{comparison.both}</div></div>
        </div>
      )}
      <table aria-label="Backtest alerts per rule">
        <thead><tr>
          <th scope="col">Rule</th><th scope="col">Published {published.version}</th><th scope="col">Candidate {candidate?.version ?? '—'}</th>
          <th scope="col">Only published</th><th scope="col">Only candidate</th>
          <th scope="col">Precision published</th><th scope="col">Precision candidate</th><th scope="col">Recall published</th><th scope="col">Recall candidate</th>
        </tr></thead>
        <tbody>{rules.map((rule) => {
          const p = published.scores[rule];
          const c = candidate?.scores[rule];
          return (
            <tr key={rule}>
              <th scope="row">{rule}</th><td>{p ? p.alerts : 'not in set'}</td><td>{c ? c.alerts : 'not in set'}</td>
              <td>{comparison?.only_published_by_rule[rule] ?? 0}</td><td>{comparison?.only_candidate_by_rule[rule] ?? 0}</td>
              <td>{precisionText(p)}</td><td>{precisionText(c)}</td><td>{p ? percent(p.recall, 0) : '—'}</td><td>{c ? percent(c.recall, 0) : '—'}</td>
            </tr>
          );
        })}</tbody>
      </table>
      {rules.length === 0 && <p>No rule of either set alerted in the range.</p>}
      {silent.length > 0 && <p>No alert in the range from: {silent.join(', ')}.</p>}
      <p className="muted">Precision counts only alerts matched to a live alert with a verdict (confirmed or false positive); the rest are unlabelled. Recall is against the confirmed live alerts of the rule's alert type in the range; — where there are none.</p>
      <AlertsPerDay published={published} candidate={candidate} />
    </div>
  );
}

function precisionText(score: RuleScore | undefined): string {
  if (!score || score.alerts === 0) return '—';
  const unlabelled = score.alerts - score.labelled;
  if (score.precision === null) return `no verdicts (${unlabelled} unlabelled)`;
  return `${percent(score.precision, 0)} of ${score.labelled} labelled (${unlabelled} unlabelled)`;
}

function AlertsPerDay({ published, candidate }: { published: RuleSetOutcome; candidate?: RuleSetOutcome }) {
  const days = [...new Set([...Object.keys(published.by_day), ...Object.keys(candidate?.by_day ?? {})])].sort();
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 60 },
    xAxis: { type: 'category', data: days }, yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', name: `published ${published.version}`, data: days.map((d) => published.by_day[d] ?? 0), itemStyle: { color: '#2f6fb5' } },
      ...(candidate ? [{ type: 'bar', name: `candidate ${candidate.version}`, data: days.map((d) => candidate.by_day[d] ?? 0), itemStyle: { color: '#b35c00' } }] : []),
    ],
  }), [days.join(), published, candidate]);
  if (days.length === 0) return <p>Neither set alerted in the range.</p>;
  const summary = `Alerts per day: published ${published.version} ${published.alerts} in all${candidate ? `, candidate ${candidate.version} ${candidate.alerts}` : ''}, over ${days.length} days.`;
  return (
    <Chart option={option} summary={summary} height={220} testId="backtest-days"
      table={{ head: ['Day', `Published ${published.version}`, ...(candidate ? [`Candidate ${candidate.version}`] : [])], rows: days.map((d) => [d, published.by_day[d] ?? 0, ...(candidate ? [candidate.by_day[d] ?? 0] : [])]) }} />
  );
}
