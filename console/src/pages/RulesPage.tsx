import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, enc, get, put, query } from '../api';
import { Diff } from '../components/Diff';
import { ErrorNote, formatTime, Notice, PageTitle, percent, useLoad } from '../components/ui';
import { useHasRole } from '../session';
import type { Proposal } from '../types';
import { ChallengerPanel } from './ChallengerPanel';
import { RuleBacktest } from './RuleBacktest';

interface Published { version: string; format: 'yaml' | 'json'; text: string; updatedAt: string; updatedBy: string; forced?: { reason: string }; approval?: { id: string; approvedBy: string; approvedAt: string } }
type HistoryEntry = Omit<Published, 'text'>;

/** The rule set in force, its history as diffs, and publishing (a proposal when four-eyes applies). */
export function RulesPage() {
  const current = useLoad(() => get<Published>('/v1/rules'));
  const history = useLoad(() => get<{ versions: HistoryEntry[] }>('/v1/rules/history'));
  const [challengerKey, setChallengerKey] = useState(0);
  const [compare, setCompare] = useState<Published>();
  const [compareError, setCompareError] = useState<unknown>();

  async function showDiff(version: string) {
    setCompareError(undefined);
    try { setCompare(await get<Published>(`/v1/rules/history/${enc(version)}`)); } catch (err) { setCompareError(err); }
  }
  return (
    <>
      <PageTitle>Rules</PageTitle>
      <ErrorNote error={current.error} />
      {current.data && (
        <section className="card" aria-labelledby="current-heading">
          <h2 id="current-heading">In force: version {current.data.version}</h2>
          <p>Published {formatTime(current.data.updatedAt)} by <strong>{current.data.updatedBy}</strong>
            {current.data.approval && <> · approved by <strong>{current.data.approval.approvedBy}</strong> {formatTime(current.data.approval.approvedAt)}</>}
            {current.data.forced && <> · <strong>forced</strong>: {current.data.forced.reason}</>}</p>
          <details><summary>Show the rule set text</summary><pre className="code" tabIndex={0}>{current.data.text}</pre></details>
        </section>
      )}
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ErrorNote error={history.error} />
        <table>
          <thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">Approved by</th><th scope="col">Compare</th></tr></thead>
          <tbody>{history.data?.versions.map((v) => (
            <tr key={`${v.version}-${v.updatedAt}`}>
              <td>{v.version}{v.forced ? ' (forced)' : ''}</td><td>{formatTime(v.updatedAt)}</td><td>{v.updatedBy}</td><td>{v.approval?.approvedBy ?? '—'}</td>
              <td>{v.version !== current.data?.version && <button type="button" onClick={() => void showDiff(v.version)}>Diff {v.version} → {current.data?.version}</button>}</td>
            </tr>
          ))}</tbody>
        </table>
        <ErrorNote error={compareError} />
        {compare && current.data && <><h3>Changes from {compare.version} to {current.data.version}</h3><Diff before={compare.text} after={current.data.text} label={`Diff from ${compare.version} to ${current.data.version}`} /></>}
      </section>
      <RulePerformanceTable />
      {current.data && <Draft current={current.data} onPublished={() => { current.reload(); history.reload(); }} onChallengerStarted={() => setChallengerKey((k) => k + 1)} />}
      <ChallengerPanel reloadKey={challengerKey} />
    </>
  );
}

/**
 * A draft of the next version: everyone who reads the rules may backtest it; risk admins publish
 * it (a proposal under four-eyes) or run it as the challenger.
 */
function Draft({ current, onPublished, onChallengerStarted }: { current: Published; onPublished(): void; onChallengerStarted(): void }) {
  const canChange = useHasRole('risk-admin');
  const [text, setText] = useState(current.text);
  const [format, setFormat] = useState<'yaml' | 'json'>(current.format);
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [error, setError] = useState<unknown>();
  const [failed, setFailed] = useState('');
  const [outcome, setOutcome] = useState<{ proposal?: Proposal; version?: string; challenger?: string }>();
  useEffect(() => setText(current.text), [current.text]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setOutcome(undefined);
    try {
      const res = await put<{ approval?: Proposal; version?: string }>(`/v1/rules${query({ allow_empty: allowEmpty ? 'true' : undefined })}`, { format, text });
      if (res.status === 202) setOutcome({ proposal: res.data.approval });
      else { setOutcome({ version: res.data.version }); onPublished(); }
    } catch (err) { setError(err); setFailed('Not published'); }
  }

  async function runAsChallenger() {
    setError(undefined);
    setOutcome(undefined);
    try {
      const res = await put<{ version: string; unchanged: boolean }>('/v1/rules/challenger', { format, text });
      setOutcome({ challenger: res.data.unchanged ? `Version ${res.data.version} is already the running challenger.` : `Version ${res.data.version} runs as the challenger.` });
      onChallengerStarted();
    } catch (err) { setError(err); setFailed('Not started as the challenger'); }
  }
  const errors = error instanceof ApiError ? error.message.split('; ') : [];
  return (
    <>
      <section className="card" aria-labelledby="publish-heading">
        <h2 id="publish-heading">Draft a new version</h2>
        <p className="muted">Give the set a new <code>version</code>. Backtest it below before publishing{canChange ? ', or run it as the challenger on live events' : ''}.
          {canChange && ' When four-eyes is on, publishing proposes the set; another risk admin approves it on the Approvals page.'}</p>
        <Diff before={current.text} after={text} label="Your changes against the version in force" />
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="rules-text">Rule set ({format.toUpperCase()})</label>
            <textarea id="rules-text" rows={18} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={errors.length > 0} aria-describedby={errors.length ? 'rules-errors' : undefined} spellCheck={false} />
            {errors.length > 0 && <ul id="rules-errors" className="field-error">{errors.map((m, i) => <li key={i}>{m}</li>)}</ul>}
          </div>
          <div className="row">
            <div className="field"><label htmlFor="rules-format">Format</label>
              <select id="rules-format" value={format} onChange={(e) => setFormat(e.target.value as 'yaml' | 'json')}><option value="yaml">YAML</option><option value="json">JSON</option></select></div>
            {canChange && <>
              <label><input type="checkbox" checked={allowEmpty} onChange={(e) => setAllowEmpty(e.target.checked)} /> Allow a set without an active rule (switches detection off)</label>
              <button type="submit" className="primary">Publish</button>
              <button type="button" onClick={() => void runAsChallenger()}>Run as challenger</button>
            </>}
          </div>
        </form>
        {error !== undefined && <p role="alert" className="error">{failed}: {(error as Error).message.slice(0, 300)}</p>}
        {outcome?.proposal && <Notice>Proposed as “{outcome.proposal.title}”: waiting for a second person’s approval (<Link to="/approvals">Approvals</Link>).</Notice>}
        {outcome?.version && <Notice>Version {outcome.version} published.</Notice>}
        {outcome?.challenger && <Notice>{outcome.challenger}</Notice>}
      </section>
      <RuleBacktest candidate={{ format, text }} />
    </>
  );
}

interface Figures {
  raised: number; open: number; true_positives: number; false_positives: number; resolved_without_verdict: number;
  precision: { value: number; low: number; high: number } | null; time_to_disposition_seconds: { median: number; p90: number } | null;
}
interface RuleFigures { rule_id: string; model_version: string | null; total: Figures }

const PERFORMANCE_DAYS = 30;

/** How each rule's alerts of the last 30 days turned out, from officers' dispositions (GET /v1/rules/performance). */
function RulePerformanceTable() {
  const performance = useLoad(() => {
    const to = new Date();
    const from = new Date(to.getTime() - PERFORMANCE_DAYS * 86_400_000);
    return get<{ rules: RuleFigures[] }>(`/v1/rules/performance${query({ from: from.toISOString(), to: to.toISOString(), bucket: 'week' })}`);
  });
  return (
    <section className="card" aria-labelledby="performance-heading">
      <h2 id="performance-heading">How each rule's alerts turned out (last {PERFORMANCE_DAYS} days)</h2>
      <p className="muted">Precision is confirmed ÷ (confirmed + false positives) of the alerts officers resolved with a verdict, with its 95% interval; open alerts and outcomes such as “customer contacted” are outside it.</p>
      <ErrorNote error={performance.error} />
      {performance.data?.rules.length === 0 && <p>No alert was raised in the last {PERFORMANCE_DAYS} days.</p>}
      {performance.data && performance.data.rules.length > 0 && (
        <table>
          <thead><tr>
            <th scope="col">Rule</th><th scope="col">Model</th><th scope="col">Raised</th><th scope="col">Confirmed</th><th scope="col">False positives</th>
            <th scope="col">No verdict</th><th scope="col">Open</th><th scope="col">Precision (95% interval)</th><th scope="col">Median time to disposition</th>
          </tr></thead>
          <tbody>{performance.data.rules.map(({ rule_id: ruleId, model_version: model, total: t }) => (
            <tr key={`${ruleId} ${model ?? ''}`}>
              <td>{ruleId}</td><td>{model ?? '—'}</td><td>{t.raised}</td><td>{t.true_positives}</td><td>{t.false_positives}</td>
              <td>{t.resolved_without_verdict}</td><td>{t.open}</td>
              <td>{t.precision ? `${percent(t.precision.value, 0)} (${percent(t.precision.low, 0)}–${percent(t.precision.high, 0)})` : '—'}</td>
              <td>{t.time_to_disposition_seconds ? hours(t.time_to_disposition_seconds.median) : '—'}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </section>
  );
}

function hours(seconds: number): string {
  return seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
