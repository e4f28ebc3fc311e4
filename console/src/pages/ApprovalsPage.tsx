import { useState } from 'react';
import { get, post, query } from '../api';
import { Diff } from '../components/Diff';
import { ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';
import { useSession } from '../session';
import type { Proposal, Role } from '../types';

const APPROVERS: Record<Proposal['action'], Role[]> = {
  'rules.publish': ['risk-admin', 'admin'], 'campaigns.activate': ['marketing', 'admin'], 'lists.import': ['risk-admin', 'admin'],
  'models.promote': ['risk-admin', 'admin'], 'models.rollback': ['risk-admin', 'admin'],
};

/** Four-eyes: what waits for a second person, and who decided what, when. */
export function ApprovalsPage() {
  const [status, setStatus] = useState('pending');
  const list = useLoad(() => get<{ approvals: Proposal[]; required: string[] }>(`/v1/approvals${query({ status })}`), [status]);
  return (
    <>
      <PageTitle>Approvals</PageTitle>
      <p className="muted">Changes that need a second person here: {list.data?.required.join(', ') || 'none'}. Nobody approves their own change.</p>
      <div className="field" style={{ maxWidth: 240 }}><label htmlFor="approval-status">Show</label>
        <select id="approval-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="pending">pending</option><option value="">all</option><option value="applied">applied</option>
          <option value="rejected">rejected</option><option value="failed">failed</option><option value="expired">expired</option>
        </select></div>
      <ErrorNote error={list.error} />
      {list.data?.approvals.length === 0 && <p>Nothing {status || 'here'}.</p>}
      {list.data?.approvals.map((p) => <ProposalCard key={p.id} proposal={p} onDecided={list.reload} />)}
    </>
  );
}

function ProposalCard({ proposal, onDecided }: { proposal: Proposal; onDecided(): void }) {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const own = user!.name.toLowerCase() === proposal.proposedByName.toLowerCase();
  const mayDecide = user!.roles.some((r) => APPROVERS[proposal.action].includes(r));
  const pending = proposal.status === 'pending';
  const headingId = `proposal-${proposal.id}`;

  async function decide(kind: 'approve' | 'reject') {
    setError(undefined);
    try {
      await post(`/v1/approvals/${proposal.id}/${kind}`, kind === 'reject' ? { comment } : {});
      setDone(kind === 'approve' ? 'Approved and applied.' : 'Rejected.');
      onDecided();
    } catch (err) { setError(err); }
  }
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{proposal.title}</h2>
      <p>
        <strong>{proposal.status}</strong> · proposed by <strong>{proposal.proposedBy}</strong> {formatTime(proposal.proposedAt)}
        {pending && <> · expires {formatTime(proposal.expiresAt)}</>}
        {proposal.decidedBy && <> · {proposal.status === 'rejected' ? 'rejected' : 'approved'} by <strong>{proposal.decidedBy}</strong> {formatTime(proposal.decidedAt)}</>}
        {proposal.appliedAt && <> · applied {formatTime(proposal.appliedAt)}</>}
      </p>
      {proposal.comment && <p>Reason given: {proposal.comment}</p>}
      {proposal.error && <p className="error">Could not be applied: {proposal.error}</p>}
      {proposal.details && <p className="muted">{Object.entries(proposal.details).map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</p>}
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide the change' : 'Review the change'}</button>
      {open && <ChangeView proposal={proposal} />}
      {pending && (own ? <p className="muted">You proposed this change: someone else must approve or reject it.</p>
        : !mayDecide ? <p className="muted">This change is approved by {APPROVERS[proposal.action].join(' or ')}.</p>
          : (
            <div className="row" style={{ marginTop: '.75rem' }}>
              <button type="button" className="primary" onClick={() => void decide('approve')}>Approve</button>
              <div className="field"><label htmlFor={`reject-${proposal.id}`}>Reason to reject</label>
                <input id={`reject-${proposal.id}`} value={comment} onChange={(e) => setComment(e.target.value)} /></div>
              <button type="button" className="danger" disabled={!comment.trim()} onClick={() => void decide('reject')}>Reject</button>
            </div>
          ))}
      <ErrorNote error={error} />
      {done && <Notice>{done}</Notice>}
    </section>
  );
}

function ChangeView({ proposal }: { proposal: Proposal }) {
  const detail = useLoad(() => Promise.all([
    get<{ payload: Record<string, unknown> }>(`/v1/approvals/${proposal.id}`),
    proposal.action === 'rules.publish' ? get<{ text: string; version: string }>('/v1/rules').catch(() => undefined) : Promise.resolve(undefined),
  ]), [proposal.id]);
  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <p role="status">Loading…</p>;
  const [{ payload }, current] = detail.data;
  if (proposal.action === 'rules.publish') {
    return <Diff before={current?.text ?? ''} after={String(payload.text ?? '')} label={`Proposed rule set against version ${current?.version ?? 'none'}`} />;
  }
  if (proposal.action === 'lists.import') {
    const entries = (payload.entries ?? []) as { value: string; reason: string; expiresAtMs: number }[];
    return (
      <table aria-label="Entries to import"><thead><tr><th scope="col">Value</th><th scope="col">Reason</th><th scope="col">Expires</th></tr></thead>
        <tbody>{entries.slice(0, 50).map((e) => <tr key={e.value}><td>{e.value}</td><td>{e.reason}</td><td>{formatTime(new Date(e.expiresAtMs).toISOString())}</td></tr>)}</tbody></table>
    );
  }
  if (proposal.action === 'models.promote' || proposal.action === 'models.rollback') {
    return <p>Model <strong>{String(payload.name)}</strong>: version <code>{String(payload.version)}</code> goes live ({proposal.action === 'models.promote' ? 'the shadow version promoted' : 'rolled back to'}).</p>;
  }
  return <p>Campaign <strong>{String(payload.campaignId)}</strong> at revision {String(payload.revision)}: see its page for the definition.</p>;
}
