import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { enc, query } from '../api';
import { formatTime, PageTitle } from '../components/ui';
import type { DecisionRecord } from '../types';

const KEPT = 100;
const outcomeOf = (d: DecisionRecord) => (!d.offer ? 'suppressed' : d.offer.holdout ? 'held out' : 'offered');

/** Offer decisions as they happen, newest first. */
export function OfferFeed() {
  const [outcome, setOutcome] = useState('');
  const [paused, setPaused] = useState(false);
  const [decisions, setDecisions] = useState<DecisionRecord[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (paused) return undefined;
    const source = new EventSource(`/v1/offers/feed${query({ outcome })}`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    const add = (e: Event) => setDecisions((list) => [JSON.parse((e as MessageEvent).data) as DecisionRecord, ...list].slice(0, KEPT));
    for (const name of ['offer.offered', 'offer.holdout', 'offer.suppressed']) source.addEventListener(name, add);
    return () => source.close();
  }, [outcome, paused]);
  return (
    <>
      <PageTitle>Live offers</PageTitle>
      <div className="row">
        <div className="field"><label htmlFor="feed-outcome">Show</label>
          <select id="feed-outcome" value={outcome} onChange={(e) => { setOutcome(e.target.value); setDecisions([]); }}>
            <option value="">every decision</option><option value="offered">offers sent</option><option value="holdout">held out</option><option value="suppressed">suppressed</option>
          </select></div>
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>{paused ? 'Resume' : 'Pause'}</button>
        <span role="status">{paused ? 'Paused' : connected ? 'Live' : 'Connecting…'} · {decisions.length} shown</span>
      </div>
      <ul className="feed" aria-label="Offer decisions" data-testid="offer-feed">
        {decisions.map((d) => (
          <li key={`${d.decisionId}-${d.customerId}`}>
            <strong>{outcomeOf(d)}</strong> · {formatTime(d.decidedAt)} · customer <Link to={`/customers/${enc(d.customerId)}`}>{d.customerId}</Link> on {d.event.type}
            {d.offer && <> · {d.offer.campaignName} by {d.offer.channel}: “{d.offer.content.title}”</>}
            {d.suppressed.length > 0 && <span className="muted"> · not offered: {d.suppressed.map((s) => `${s.campaignId} (${s.reason})`).join(', ')}</span>}
          </li>
        ))}
        {decisions.length === 0 && <li className="muted">Waiting for decisions…</li>}
      </ul>
    </>
  );
}
