import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { get, post, query } from '../api';
import { Chart } from '../components/Chart';
import { ago, Badge, ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';
import { useHasRole, useSession } from '../session';
import { ALERT_STATUSES, ALERT_TYPES, SEVERITIES, type Alert, type Severity } from '../types';

type SortKey = 'severity' | 'age' | 'sla';
const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** The officers' inbox: filters, sorting, live arrivals, bulk acknowledge and assign. */
export function AlertQueue() {
  const { user } = useSession();
  const canWork = useHasRole('risk');
  const [status, setStatus] = useState('open');
  const [type, setType] = useState('');
  const [minSeverity, setMinSeverity] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [sort, setSort] = useState<SortKey>('severity');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [assignee, setAssignee] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const [bulkError, setBulkError] = useState<unknown>();
  const filters = { status, type, min_severity: minSeverity, overdue: overdue ? 'true' : undefined, limit: 200 };
  const page = useLoad(() => get<{ alerts: Alert[] }>(`/v1/alerts${query(filters)}`), [status, type, minSeverity, overdue]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  useEffect(() => { if (page.data) setAlerts(page.data.alerts); }, [page.data]);

  // Live: new alerts appear at once; changes made by colleagues update their row.
  useEffect(() => {
    const source = new EventSource(`/v1/alerts/feed${query({ type, min_severity: minSeverity })}`);
    const matches = (a: Alert) => (!status || a.status === status) && (!overdue || a.overdue);
    source.addEventListener('alert.created', (e) => {
      const { alert } = JSON.parse((e as MessageEvent).data) as { alert: Alert };
      if (!matches(alert)) return;
      setAlerts((current) => [alert, ...current.filter((a) => a.id !== alert.id)]);
      setAnnouncement(`New ${alert.severity} ${alert.type} alert for customer ${alert.customerId}`);
    });
    source.addEventListener('alert.updated', (e) => {
      const { alert } = JSON.parse((e as MessageEvent).data) as { alert: Alert };
      setAlerts((current) => (matches(alert) ? current.map((a) => (a.id === alert.id ? alert : a)) : current.filter((a) => a.id !== alert.id)));
    });
    return () => source.close();
  }, [status, type, minSeverity, overdue]);

  const sorted = useMemo(() => [...alerts].sort((a, b) => {
    if (sort === 'severity') return rank(b.severity) - rank(a.severity) || Date.parse(a.createdAt) - Date.parse(b.createdAt);
    if (sort === 'age') return Date.parse(a.createdAt) - Date.parse(b.createdAt);
    const due = (x: Alert) => (x.dueAt ? Date.parse(x.dueAt) : Number.POSITIVE_INFINITY);
    return due(a) - due(b);
  }), [alerts, sort]);

  const toggle = (id: string) => setSelected((s) => { const next = new Set(s); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  const allSelected = sorted.length > 0 && sorted.every((a) => selected.has(a.id));

  async function bulk(action: 'acknowledge' | 'assign', to?: string) {
    setBulkError(undefined);
    const ids = [...selected];
    const results = await Promise.allSettled(ids.map((id) => post(`/v1/alerts/${id}/transitions`, action === 'assign' ? { action, assignee: to } : { action })));
    const failed = results.filter((r) => r.status === 'rejected');
    setAnnouncement(`${ids.length - failed.length} of ${ids.length} alerts ${action === 'assign' ? `assigned to ${to}` : 'acknowledged'}`);
    if (failed.length) setBulkError(new Error(`${failed.length} could not be changed: ${(failed[0] as PromiseRejectedResult).reason?.message ?? ''}`));
    setSelected(new Set());
    page.reload();
  }

  return (
    <>
      <PageTitle>Alert queue</PageTitle>
      <div aria-live="polite" className="visually-hidden" data-testid="live-announcement">{announcement}</div>
      <section className="card" aria-labelledby="filters-heading">
        <h2 id="filters-heading" className="visually-hidden">Filters</h2>
        <div className="row">
          <div className="field"><label htmlFor="f-status">Status</label>
            <select id="f-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">any</option>{ALERT_STATUSES.map((s) => <option key={s}>{s}</option>)}
            </select></div>
          <div className="field"><label htmlFor="f-type">Type</label>
            <select id="f-type" value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">any</option>{ALERT_TYPES.map((s) => <option key={s}>{s}</option>)}
            </select></div>
          <div className="field"><label htmlFor="f-sev">Severity at least</label>
            <select id="f-sev" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value)}>
              <option value="">any</option>{SEVERITIES.map((s) => <option key={s}>{s}</option>)}
            </select></div>
          <div className="field"><label htmlFor="f-sort">Sort by</label>
            <select id="f-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
              <option value="severity">severity (highest first)</option><option value="age">age (oldest first)</option><option value="sla">SLA deadline (soonest first)</option>
            </select></div>
          <label><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Overdue only</label>
        </div>
      </section>
      {canWork && (
        <section className="card" aria-label="Bulk actions">
          <div className="row">
            <span>{selected.size} selected</span>
            <button type="button" disabled={!selected.size} onClick={() => void bulk('acknowledge')}>Acknowledge selected</button>
            <button type="button" disabled={!selected.size} onClick={() => void bulk('assign', user!.name)}>Assign selected to me</button>
            <div className="field"><label htmlFor="bulk-assignee">Assign to</label>
              <input id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} placeholder="colleague's name" /></div>
            <button type="button" disabled={!selected.size || !assignee.trim()} onClick={() => void bulk('assign', assignee.trim())}>Assign selected</button>
          </div>
          <ErrorNote error={bulkError} />
        </section>
      )}
      {announcement && <Notice>{announcement}</Notice>}
      <ErrorNote error={page.error} />
      <table aria-label="Alerts" aria-busy={page.loading}>
        <thead>
          <tr>
            {canWork && <th scope="col"><input type="checkbox" aria-label="Select all alerts" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(sorted.map((a) => a.id)))} /></th>}
            <th scope="col">Alert</th><th scope="col">Severity</th><th scope="col">Customer</th><th scope="col">Reasons</th>
            <th scope="col">Status</th><th scope="col">Raised</th><th scope="col">SLA</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.id}>
              {canWork && <td><input type="checkbox" aria-label={`Select alert ${a.id}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} /></td>}
              <td><Link to={`/alerts/${a.id}`}>{a.type} alert {a.id.slice(-6)}</Link></td>
              <td><Badge kind={a.severity}>{a.severity}</Badge> <span className="muted">{a.score.toFixed(2)}</span></td>
              <td>{a.customerId}</td>
              <td>{a.reasons.slice(0, 2).map((r) => r.text).join('; ')}{a.reasons.length > 2 ? ` (+${a.reasons.length - 2})` : ''}</td>
              <td>{a.status}{a.assignee ? ` → ${a.assignee}` : ''}</td>
              <td title={formatTime(a.createdAt)}>{ago(a.createdAt)}</td>
              <td>{a.dueAt ? <>{formatTime(a.dueAt)} {a.overdue && <Badge kind="overdue">overdue</Badge>}</> : '—'}</td>
            </tr>
          ))}
          {!page.loading && sorted.length === 0 && <tr><td colSpan={8}>No alerts match these filters.</td></tr>}
        </tbody>
      </table>
      <AlertsPerDay />
    </>
  );
}

/** Which rules fire, day by day: a stacked bar per rule. */
function AlertsPerDay() {
  const { data, error } = useLoad(() => get<{ rows: { day: string; rule: string; alerts: number }[] }>('/v1/alerts/daily-by-rule?days=30'));
  const option = useMemo(() => {
    const rows = data?.rows ?? [];
    const days = [...new Set(rows.map((r) => r.day))].sort();
    const rules = [...new Set(rows.map((r) => r.rule))].sort();
    return {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', bottom: 0 }, grid: { left: 40, right: 10, top: 10, bottom: 60 },
      xAxis: { type: 'category', data: days }, yAxis: { type: 'value', minInterval: 1 },
      series: rules.map((rule) => ({ name: rule, type: 'bar', stack: 'alerts', data: days.map((d) => rows.find((r) => r.day === d && r.rule === rule)?.alerts ?? 0) })),
    };
  }, [data]);
  const total = (data?.rows ?? []).reduce((s, r) => s + r.alerts, 0);
  return (
    <section className="card" aria-labelledby="per-day-heading">
      <h2 id="per-day-heading">Alerts per day by rule (last 30 days)</h2>
      <ErrorNote error={error} />
      {data && <Chart option={option} testId="alerts-per-day" summary={`${total} alerts archived in the last 30 days across ${new Set(data.rows.map((r) => r.rule)).size} rules`}
        table={{ head: ['Day', 'Rule', 'Alerts'], rows: data.rows.map((r) => [r.day, r.rule, r.alerts]) }} />}
    </section>
  );
}
