import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { enc, get } from '../api';
import { ErrorNote, formatTime, PageTitle, useLoad } from '../components/ui';
import type { DecisionRecord } from '../types';

/** A customer's offer decisions: why this offer, why not the others. */
export function DecisionRecordPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [customer, setCustomer] = useState(id ?? '');
  const record = useLoad(() => (id ? get<{ decisions: DecisionRecord[] }>(`/v1/customers/${enc(id)}/offers?limit=50`) : Promise.resolve(undefined)), [id]);
  return (
    <>
      <PageTitle>{id ? `Decision record of ${id}` : 'Decision records'}</PageTitle>
      <form className="row" onSubmit={(e: FormEvent) => { e.preventDefault(); if (customer.trim()) navigate(`/customers/${enc(customer.trim())}`); }}>
        <div className="field"><label htmlFor="customer-id">Customer id</label><input id="customer-id" value={customer} onChange={(e) => setCustomer(e.target.value)} /></div>
        <button type="submit">Show</button>
      </form>
      <ErrorNote error={record.error} />
      {record.data?.decisions.length === 0 && <p>No offer decisions recorded for this customer.</p>}
      {record.data?.decisions.map((d) => (
        <section className="card" key={d.decisionId} aria-label={`Decision on ${d.event.type} at ${formatTime(d.decidedAt)}`}>
          <h2>{d.offer ? (d.offer.holdout ? `Held out of ${d.offer.campaignName} (control group)` : `Offered ${d.offer.campaignName} by ${d.offer.channel}`) : 'No offer'} · {formatTime(d.decidedAt)}</h2>
          <p className="muted">On {d.event.type} {d.event.eventId} at {formatTime(d.event.occurredAt)} · campaigns revision {d.campaignsRevision} · decided in {Math.round(d.latencyMs)} ms</p>
          {d.offer && <><h3>Why this offer</h3><ul>{d.offer.because.map((b, i) => <li key={i}>{b}</li>)}</ul><p>Message: “{d.offer.content.title}” — {d.offer.content.body}</p></>}
          {d.suppressed.length > 0 && <><h3>Why not the others</h3>
            <table><thead><tr><th scope="col">Campaign</th><th scope="col">Reason</th><th scope="col">Detail</th></tr></thead>
              <tbody>{d.suppressed.map((s) => <tr key={s.campaignId}><td>{s.campaignId}</td><td>{s.reason}</td><td>{s.detail}</td></tr>)}</tbody></table></>}
          {d.explanation.length > 0 && <details><summary>Full explanation</summary><ul>{d.explanation.map((x, i) => <li key={i}>{x}</li>)}</ul></details>}
        </section>
      ))}
    </>
  );
}
