import { useEffect, useMemo, useState } from 'react';
import { get, post } from '../api';
import { Chart } from '../components/Chart';
import { ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';

interface Health {
  at: string; partitions: { partition: number; lag: number; pending: number }[]; totalBacklog: number; deadLetters: number;
  queues: Record<string, Record<string, number>>; ruleSet: { version: string; updatedAt: string; updatedBy: string } | null;
  campaigns: { id: string; name: string; state: string; revision: number; updatedAt: string }[]; campaignsRevision: number; pendingApprovals: number;
  grafana: { overview: string } | null;
}
interface DeadLetter { id: string; partition?: number; reason?: string; error?: string; failedAt?: string }

/** For SREs: is it keeping up, what is stuck, what is in force. Refreshes every 5 s. */
export function HealthPage() {
  const health = useLoad(() => get<Health>('/v1/ops/health'));
  useEffect(() => {
    const timer = setInterval(health.reload, 5000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const h = health.data;
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 50, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: (h?.partitions ?? []).map((p) => `p${p.partition}`) }, yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: 'not yet read (lag)', type: 'bar', stack: 'b', data: (h?.partitions ?? []).map((p) => p.lag) },
      { name: 'read, not acknowledged', type: 'bar', stack: 'b', data: (h?.partitions ?? []).map((p) => p.pending) }],
  }), [h]);
  return (
    <>
      <PageTitle>Health</PageTitle>
      <ErrorNote error={health.error} />
      {h && (
        <>
          <p className="muted">As of {formatTime(h.at)}. {h.grafana ? <a href={h.grafana.overview}>Open the Grafana dashboard (Vigil overview)</a> : 'Grafana is not linked: set VIGIL_GRAFANA_URL.'}</p>
          <div className="stats">
            <div className="stat"><div className="muted">Backlog</div><div className="value">{h.totalBacklog}</div></div>
            <div className="stat"><div className="muted">Dead letters</div><div className="value">{h.deadLetters}</div></div>
            <div className="stat"><div className="muted">Rule set</div><div className="value">{h.ruleSet?.version ?? '—'}</div></div>
            <div className="stat"><div className="muted">Campaigns revision</div><div className="value">{h.campaignsRevision}</div></div>
            <div className="stat"><div className="muted">Pending approvals</div><div className="value">{h.pendingApprovals}</div></div>
          </div>
          <div className="grid2">
            <section className="card" aria-labelledby="lag-heading">
              <h2 id="lag-heading">Lag per partition</h2>
              <Chart option={option} summary={`Backlog ${h.totalBacklog} entries over ${h.partitions.length} partitions; the largest is ${Math.max(0, ...h.partitions.map((p) => p.lag + p.pending))}`}
                table={{ head: ['Partition', 'Lag', 'Pending'], rows: h.partitions.map((p) => [p.partition, p.lag, p.pending]) }} />
            </section>
            <section className="card" aria-labelledby="queues-heading">
              <h2 id="queues-heading">Queue depths</h2>
              <table><thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Active</th><th scope="col">Delayed</th><th scope="col">Failed</th></tr></thead>
                <tbody>{Object.entries(h.queues).map(([name, c]) => <tr key={name}><td>{name}</td><td>{c.waiting ?? 0}</td><td>{c.active ?? 0}</td><td>{c.delayed ?? 0}</td><td>{c.failed ?? 0}</td></tr>)}</tbody></table>
              <h2>Versions in force</h2>
              <p>Rule set {h.ruleSet ? `${h.ruleSet.version}, published ${formatTime(h.ruleSet.updatedAt)} by ${h.ruleSet.updatedBy}` : 'none'}</p>
              <table><thead><tr><th scope="col">Campaign</th><th scope="col">State</th><th scope="col">Revision</th></tr></thead>
                <tbody>{h.campaigns.map((c) => <tr key={c.id}><td>{c.name}</td><td>{c.state}</td><td>{c.revision}</td></tr>)}</tbody></table>
            </section>
          </div>
          <DeadLetters onReplayed={health.reload} />
        </>
      )}
    </>
  );
}

function DeadLetters({ onReplayed }: { onReplayed(): void }) {
  const list = useLoad(() => get<{ deadLetters: DeadLetter[]; total: number }>('/v1/dead-letters?limit=50'));
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  async function retry(ids: string[]) {
    setError(undefined);
    try {
      const res = await post<Record<string, unknown>>('/v1/dead-letters/replay', { ids });
      setNote(`Put back on their streams: ${JSON.stringify(res.data)}`);
      list.reload();
      onReplayed();
    } catch (err) { setError(err); }
  }
  const letters = list.data?.deadLetters ?? [];
  return (
    <section className="card" aria-labelledby="dl-heading">
      <h2 id="dl-heading">Dead letters ({list.data?.total ?? 0})</h2>
      <ErrorNote error={list.error ?? error} />
      {note && <Notice>{note}</Notice>}
      {letters.length > 0 && <button type="button" onClick={() => void retry(letters.map((l) => l.id))}>Retry all shown</button>}
      <table><thead><tr><th scope="col">Id</th><th scope="col">When</th><th scope="col">Why</th><th scope="col">Retry</th></tr></thead>
        <tbody>{letters.map((l) => (
          <tr key={l.id}><td>{l.id}</td><td>{formatTime(l.failedAt)}</td><td>{l.reason ?? ''} {l.error ?? ''}</td>
            <td><button type="button" onClick={() => void retry([l.id])}>Retry {l.id}</button></td></tr>
        ))}{letters.length === 0 && <tr><td colSpan={4}>None: nothing is stuck.</td></tr>}</tbody></table>
    </section>
  );
}
