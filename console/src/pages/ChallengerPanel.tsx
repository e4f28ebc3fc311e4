import { useState } from 'react';
import { ApiError, del, get } from '../api';
import { ErrorNote, formatTime, Notice, percent, useLoad } from '../components/ui';
import { useHasRole } from '../session';

// The shapes of risk/challengerRoutes.ts and risk/challengerComparison.ts as the panel reads them.
type HistoryEntry = { action: 'started'; version: string; startedAt: string; startedBy: string; championVersion: string } | { action: 'stopped'; version: string; at: string; by: string };
interface Running { version: string; startedAt: string; startedBy: string; championVersion: string; history: HistoryEntry[] }
interface Tally { champion: number; challenger: number; both: number; champion_only: number; challenger_only: number }
interface Precision { alerts: number; labelled: number; true_positives: number; false_positives: number; precision: number | null; unlabelled: number }
interface Comparison {
  challenger_version: string; champion_versions: string[]; from: string; to: string; events_assessed: number; alerts: Tally;
  by_rule: { champion: Record<string, Precision>; challenger: Record<string, Precision> }; precision: { champion: Precision; challenger: Precision }; labels_note: string;
}

/** The challenger in one place: which set runs in shadow on live events, how it compares with the champion, stop it. */
export function ChallengerPanel({ reloadKey }: { reloadKey: number }) {
  const canChange = useHasRole('risk-admin');
  const state = useLoad(loadChallenger, [reloadKey]);
  const [stopped, setStopped] = useState<string>();
  const [error, setError] = useState<unknown>();

  async function stop() {
    setError(undefined);
    try {
      const res = await del<{ version: string }>('/v1/rules/challenger');
      setStopped(res.data.version);
      state.reload();
    } catch (err) { setError(err); }
  }
  const running = state.data?.running;
  return (
    <section className="card" aria-labelledby="challenger-heading">
      <h2 id="challenger-heading">Challenger</h2>
      <p className="muted">A challenger set is evaluated on live events beside the set in force (the champion). It raises nothing; its would-be alerts are recorded and compared.</p>
      <ErrorNote error={state.error} />
      {state.data && !running && <p>No challenger is running.{state.data.last ? ` The last one was version ${state.data.last}.` : ''}</p>}
      {running && (
        <>
          <p>Running: version <strong>{running.version}</strong>, started by <strong>{running.startedBy}</strong> {formatTime(running.startedAt)} beside version {running.championVersion}.</p>
          <div className="row">
            <button type="button" onClick={state.reload} disabled={state.loading}>Refresh the comparison</button>
            {canChange && <button type="button" className="danger" onClick={() => void stop()}>Stop challenger</button>}
          </div>
          {state.data?.comparison && <ComparisonView comparison={state.data.comparison} />}
        </>
      )}
      <ErrorNote error={error} />
      {stopped && <Notice>Challenger version {stopped} stopped; its records stay for comparison.</Notice>}
    </section>
  );
}

async function loadChallenger(): Promise<{ running?: Running; last?: string; comparison?: Comparison }> {
  try {
    const running = await get<Running>('/v1/rules/challenger');
    const comparison = await get<Comparison>('/v1/rules/challenger/comparison');
    return { running, comparison };
  } catch (err) {
    // 404 is "none running": its body still carries the history of starts and stops.
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    const history = ((err.body ?? {}) as { history?: HistoryEntry[] }).history ?? [];
    return { last: history[0]?.version };
  }
}

function ComparisonView({ comparison: c }: { comparison: Comparison }) {
  const rules = (side: 'champion' | 'challenger') => Object.entries(c.by_rule[side]).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <h3>Against the champion, {c.from} to {c.to}</h3>
      <p>{c.events_assessed} live events assessed by both{c.champion_versions.length ? ` (champion ${c.champion_versions.join(', ')})` : ''}.</p>
      <table aria-label="Challenger and champion alerts">
        <thead><tr><th scope="col">Champion</th><th scope="col">Challenger</th><th scope="col">Both</th><th scope="col">Only champion</th><th scope="col">Only challenger</th></tr></thead>
        <tbody><tr><td>{c.alerts.champion}</td><td>{c.alerts.challenger}</td><td>{c.alerts.both}</td><td>{c.alerts.champion_only}</td><td>{c.alerts.challenger_only}</td></tr></tbody>
      </table>
      <h3>Precision per rule</h3>
      <table aria-label="Precision per rule, challenger and champion">
        <thead><tr><th scope="col">Set</th><th scope="col">Rule</th><th scope="col">Alerts</th><th scope="col">Confirmed</th><th scope="col">False positives</th><th scope="col">Unlabelled</th><th scope="col">Precision</th></tr></thead>
        <tbody>
          {(['champion', 'challenger'] as const).flatMap((side) => [
            <PrecisionRow key={`${side}-all`} side={side} rule="all rules" p={c.precision[side]} />,
            ...rules(side).map(([rule, p]) => <PrecisionRow key={`${side}-${rule}`} side={side} rule={rule} p={p} />),
          ])}
        </tbody>
      </table>
      <p className="muted">{c.labels_note}</p>
    </>
  );
}

function PrecisionRow({ side, rule, p }: { side: string; rule: string; p: Precision }) {
  return (
    <tr>
      <td>{side}</td><td>{rule}</td><td>{p.alerts}</td><td>{p.true_positives}</td><td>{p.false_positives}</td><td>{p.unlabelled}</td>
      <td>{p.alerts === 0 ? '—' : p.precision === null ? 'no verdicts' : `${percent(p.precision, 0)} of ${p.labelled} labelled`}</td>
    </tr>
  );
}
