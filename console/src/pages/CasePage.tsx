import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, enc, get, post } from '../api';
import { Badge, ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';
import { useHasRole, useSession } from '../session';
import { DISPOSITIONS_BY_TYPE, type Alert, type DecisionRecord } from '../types';

const show = (value: unknown) => (value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const optional = <T,>(p: Promise<T>) => p.catch((err: unknown) => { if (err instanceof ApiError && err.status === 404) return undefined; throw err; });

/** One alert worked end to end: why it fired, who the customer is, what to do about it. */
export function CasePage() {
  const { id = '' } = useParams();
  const alert = useLoad(() => get<Alert>(`/v1/alerts/${enc(id)}`), [id]);
  const a = alert.data;
  return (
    <>
      <PageTitle>{a ? `Case: ${a.type} alert for ${a.customerId}` : 'Case'}</PageTitle>
      <p><Link to="/alerts">← Back to the queue</Link></p>
      <ErrorNote error={alert.error} />
      {a && (
        <>
          <section className="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <p>
              <Badge kind={a.severity}>{a.severity}</Badge> score {a.score.toFixed(2)} · status <strong data-testid="alert-status">{a.status}</strong>
              {a.assignee && <> · assigned to <strong>{a.assignee}</strong></>}
              {a.disposition && <> · disposition <strong>{a.disposition}</strong></>}
              {a.dueAt && <> · due {formatTime(a.dueAt)} {a.overdue && <Badge kind="overdue">overdue</Badge>}</>}
            </p>
            <p className="muted">Raised {formatTime(a.createdAt)} by rule set {a.ruleSetVersion} on {a.triggeringEvents.map((e) => `${e.type} ${e.eventId}`).join(', ')}</p>
          </section>
          <div className="grid2">
            <section className="card" aria-labelledby="reasons-heading">
              <h2 id="reasons-heading">Why it fired</h2>
              <table>
                <thead><tr><th scope="col">Rule</th><th scope="col">Reason</th><th scope="col">Value</th><th scope="col">Threshold</th></tr></thead>
                <tbody>{a.reasons.map((r, i) => <tr key={i}><td>{r.ruleId}</td><td>{r.text}</td><td>{show(r.actual)}</td><td>{show(r.threshold)}</td></tr>)}</tbody>
              </table>
            </section>
            <Actions alert={a} onChange={(next) => alert.set(next)} />
          </div>
          <History alert={a} />
          <CaseTools alert={a} />
          <Customer360 customerId={a.customerId} currentAlert={a.id} />
        </>
      )}
    </>
  );
}

function Actions({ alert, onChange }: { alert: Alert; onChange(a: Alert): void }) {
  const { user } = useSession();
  const canWork = useHasRole('risk');
  const [disposition, setDisposition] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  if (!canWork) return <section className="card"><h2>Actions</h2><p>Your role reads alerts; officers (risk) work them.</p></section>;

  async function act(body: Record<string, string>, what: string) {
    setError(undefined);
    try {
      const res = await post<{ alert: Alert }>(`/v1/alerts/${alert.id}/transitions`, body);
      onChange(res.data.alert);
      setDone(what);
      setComment('');
    } catch (err) {
      setError(err);
    }
  }
  const resolved = alert.status === 'resolved';
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <div className="row">
        <button type="button" disabled={alert.status !== 'open'} onClick={() => void act({ action: 'acknowledge' }, 'Acknowledged')}>Acknowledge</button>
        <button type="button" disabled={resolved} onClick={() => void act({ action: 'assign', assignee: user!.name }, `Assigned to ${user!.name}`)}>Assign to me</button>
      </div>
      <form className="row" onSubmit={(e: FormEvent) => { e.preventDefault(); void act({ action: 'resolve', disposition, ...(comment.trim() ? { comment: comment.trim() } : {}) }, `Resolved as ${disposition}`); }}>
        <div className="field"><label htmlFor="disposition">Disposition</label>
          <select id="disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)} required>
            <option value="">choose…</option>{(DISPOSITIONS_BY_TYPE[alert.type] ?? []).map((d) => <option key={d} value={d}>{d.replace(/_/g, ' ')}</option>)}
          </select></div>
        <button type="submit" className="primary" disabled={alert.status !== 'assigned' || !disposition} aria-describedby="resolve-hint">Resolve</button>
        <span id="resolve-hint" className="hint muted">{alert.status === 'assigned' ? `assigned to ${alert.assignee}` : 'an alert is assigned before it is resolved'}</span>
      </form>
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); void act(resolved ? { action: 'reopen', comment } : { action: 'comment', comment }, resolved ? 'Reopened' : 'Comment added'); }}>
        <div className="field"><label htmlFor="comment">Comment</label>
          <textarea id="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /></div>
        <button type="submit" disabled={!comment.trim()}>{resolved ? 'Reopen with comment' : 'Add comment'}</button>
      </form>
      <ErrorNote error={error} />
      {done && <Notice>{done}.</Notice>}
    </section>
  );
}

function History({ alert }: { alert: Alert }) {
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">Audit trail</h2>
      <table aria-label="Audit trail">
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
        <tbody>{alert.history.map((h, i) => (
          <tr key={i}><td>{formatTime(h.at)}</td><td>{h.actor}</td><td>{h.action} ({h.from ?? '—'} → {h.to})</td>
            <td>{[h.assignee && `assignee ${h.assignee}`, h.disposition && `disposition ${h.disposition}`, h.comment].filter(Boolean).join(' · ')}</td></tr>
        ))}</tbody>
      </table>
    </section>
  );
}

/** From the case: put the customer (or what they used) on a list, or snooze a rule for them. */
function CaseTools({ alert }: { alert: Alert }) {
  const lists = useLoad(() => get<{ lists: { name: string; kind: string; purpose: string }[] }>('/v1/lists'));
  const [list, setList] = useState('');
  const [value, setValue] = useState(alert.customerId);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('30');
  const [rule, setRule] = useState(alert.ruleIds[0] ?? '');
  const [snoozeReason, setSnoozeReason] = useState('');
  const [snoozeDays, setSnoozeDays] = useState('7');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const until = (d: string) => new Date(Date.now() + Number(d) * 86_400_000).toISOString();

  async function addToList(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await post(`/v1/lists/${enc(list)}/entries`, { value, reason, expires_at: until(days) });
      setDone(`${value} added to ${list} for ${days} days`);
    } catch (err) { setError(err); }
  }
  async function snooze(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await post(`/v1/customers/${enc(alert.customerId)}/snoozes`, { rule_id: rule, reason: snoozeReason, until: until(snoozeDays) });
      setDone(`Rule ${rule} snoozed for ${alert.customerId} for ${snoozeDays} days`);
    } catch (err) { setError(err); }
  }
  return (
    <section className="card" aria-labelledby="tools-heading">
      <h2 id="tools-heading">Lists and snoozes</h2>
      <div className="grid2">
        <form onSubmit={(e) => void addToList(e)} aria-label="Add to a list">
          <div className="field"><label htmlFor="list-name">List</label>
            <select id="list-name" value={list} onChange={(e) => setList(e.target.value)} required>
              <option value="">choose…</option>{lists.data?.lists.map((l) => <option key={l.name} value={l.name}>{l.name} ({l.purpose}, {l.kind})</option>)}
            </select></div>
          <div className="field"><label htmlFor="list-value">Value</label><input id="list-value" value={value} onChange={(e) => setValue(e.target.value)} required /></div>
          <div className="field"><label htmlFor="list-reason">Reason</label><input id="list-reason" value={reason} onChange={(e) => setReason(e.target.value)} required /></div>
          <div className="field"><label htmlFor="list-days">Days until it expires</label><input id="list-days" type="number" min={1} max={400} value={days} onChange={(e) => setDays(e.target.value)} /></div>
          <button type="submit">Add to list</button>
        </form>
        <form onSubmit={(e) => void snooze(e)} aria-label="Snooze a rule for this customer">
          <div className="field"><label htmlFor="snooze-rule">Rule</label>
            <select id="snooze-rule" value={rule} onChange={(e) => setRule(e.target.value)}>{alert.ruleIds.map((r) => <option key={r}>{r}</option>)}</select></div>
          <div className="field"><label htmlFor="snooze-reason">Reason</label><input id="snooze-reason" value={snoozeReason} onChange={(e) => setSnoozeReason(e.target.value)} required /></div>
          <div className="field"><label htmlFor="snooze-days">Days</label><input id="snooze-days" type="number" min={1} max={90} value={snoozeDays} onChange={(e) => setSnoozeDays(e.target.value)} /></div>
          <button type="submit">Snooze rule for this customer</button>
        </form>
      </div>
      <ErrorNote error={error} />
      {done && <Notice>{done}.</Notice>}
    </section>
  );
}

interface TimelineItem { at: string; kind: 'event' | 'alert' | 'offer'; text: string; link?: string }

/** Everything Vigil knows of the customer, newest first. */
function Customer360({ customerId, currentAlert }: { customerId: string; currentAlert: string }) {
  const id = enc(customerId);
  const data = useLoad(() => Promise.all([
    optional(get<{ tier: string; tags: string[]; scores: { fraud: number; churn: number; credit?: number }; features: Record<string, unknown> }>(`/v1/customers/${id}/features`)),
    optional(get<{ profile: Record<string, unknown>; version: number }>(`/v1/customers/${id}`)),
    get<{ events: { eventId: string; type: string; channel: string; occurredAt: string; currency: string; payload?: { amount?: string } | null }[] }>(`/v1/customers/${id}/events?limit=100`).catch(() => ({ events: [] })),
    get<{ alerts: Alert[] }>(`/v1/customers/${id}/alerts?limit=50`),
    get<{ decisions: DecisionRecord[] }>(`/v1/customers/${id}/offers?limit=50`).catch(() => ({ decisions: [] as DecisionRecord[] })),
  ]), [customerId]);
  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data) return <p role="status">Loading the customer…</p>;
  const [features, profile, events, alerts, offers] = data.data;
  const items: TimelineItem[] = [
    ...events.events.map((e) => ({ at: e.occurredAt, kind: 'event' as const, text: `${e.type} via ${e.channel}${e.payload?.amount ? `: ${e.payload.amount} ${e.currency}` : ''}` })),
    ...alerts.alerts.map((a) => ({
      at: a.createdAt, kind: 'alert' as const, link: a.id === currentAlert ? undefined : `/alerts/${a.id}`,
      text: `${a.severity} ${a.type} alert (${a.ruleIds.join(', ')}): ${a.status}${a.disposition ? `, disposition ${a.disposition}` : ''}`,
    })),
    ...offers.decisions.map((d) => ({
      at: d.decidedAt, kind: 'offer' as const, link: `/customers/${enc(customerId)}`,
      text: d.offer ? `offer ${d.offer.holdout ? 'held out (control group)' : 'made'}: ${d.offer.campaignName} by ${d.offer.channel}` : `offers suppressed: ${d.suppressed.map((s) => `${s.campaignId} (${s.reason})`).join(', ')}`,
    })),
  ].sort((x, y) => Date.parse(y.at) - Date.parse(x.at));
  return (
    <section className="card" aria-labelledby="c360-heading">
      <h2 id="c360-heading">Customer {customerId}</h2>
      <div className="grid2">
        <div>
          <h3>Tier, tags and scores</h3>
          {features ? <p>Tier <strong>{features.tier}</strong> · tags {features.tags.join(', ') || 'none'} · fraud score {features.scores.fraud.toFixed(2)} · churn score {features.scores.churn.toFixed(2)} · credit score {(features.scores.credit ?? 0).toFixed(2)}</p> : <p>No features recorded.</p>}
          <h3>Profile</h3>
          {profile ? (
            <dl>{Object.entries(profile.profile).slice(0, 12).map(([k, v]) => <div key={k}><dt className="muted">{k.replace(/_/g, ' ')}</dt><dd>{show(v)}</dd></div>)}</dl>
          ) : <p>No CRM profile.</p>}
          {features && (
            <details><summary>All features</summary>
              <table><tbody>{Object.entries(features.features).map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{show(v)}</td></tr>)}</tbody></table>
            </details>
          )}
        </div>
        <div>
          <h3>Timeline</h3>
          <ol className="timeline" aria-label="Customer timeline" data-testid="timeline">
            {items.slice(0, 80).map((item, i) => (
              <li key={i} className={item.kind}><span className="muted">{formatTime(item.at)} · {item.kind}</span><br />{item.link ? <Link to={item.link}>{item.text}</Link> : item.text}</li>
            ))}
            {items.length === 0 && <li>Nothing recorded yet.</li>}
          </ol>
        </div>
      </div>
    </section>
  );
}
