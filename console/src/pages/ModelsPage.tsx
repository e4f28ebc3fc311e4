import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { enc, get, post, put, query } from '../api';
import { ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';
import { useHasRole } from '../session';
import type { Proposal } from '../types';

// The shapes of models/routes.ts as the page reads them.
interface VersionFacts { version: string; declaredVersion: string; size: number; features: string[]; eventTypes: string[] }
interface ModelView { name: string; live?: VersionFacts; shadow?: VersionFacts }
interface HistoryEntry extends VersionFacts {
  model: string; action: 'published' | 'shadowed' | 'promoted' | 'retired' | 'rolled_back'; by: string; at: string; replaced?: string;
  approval?: { id: string; approvedBy: string; approvedAt: string };
}
type ChangeAnswer = { entry: HistoryEntry } | { status: 'pending_approval'; approval: Proposal };

/** A version id is a SHA-256; its first 12 hex digits tell versions apart on screen. */
const short = (version: string) => version.slice(0, 12);

/** The model registry: each model's live and shadow versions, its history, and the changes a risk admin makes. */
export function ModelsPage() {
  const models = useLoad(() => get<{ models: ModelView[] }>('/v1/models'));
  const pending = useLoad(() => get<{ approvals: Proposal[] }>(`/v1/approvals${query({ status: 'pending' })}`));
  return (
    <>
      <PageTitle>Models</PageTitle>
      <p className="muted">Rules read a model's live version as <code>model.&lt;name&gt;</code>; a shadow version is scored beside it and only counted. Promoting and rolling back go live through a second risk admin when four-eyes is on.</p>
      <ErrorNote error={models.error} />
      {models.data?.models.length === 0 && <p>No model is in the registry.</p>}
      {models.data?.models.map((m) => (
        <ModelCard key={m.name} model={m} proposals={(pending.data?.approvals ?? []).filter((p) => p.target.startsWith(`${m.name}@`) && p.action.startsWith('models.'))}
          onChanged={() => { models.reload(); pending.reload(); }} />
      ))}
    </>
  );
}

function ModelCard({ model, proposals, onChanged }: { model: ModelView; proposals: Proposal[]; onChanged(): void }) {
  const canChange = useHasRole('risk-admin');
  const history = useLoad(() => get<{ history: HistoryEntry[] }>(`/v1/models/${enc(model.name)}/history`), [model.name, model.live?.version, model.shadow?.version]);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<string>();
  const [proposed, setProposed] = useState<Proposal>();
  const headingId = `model-${model.name}`;

  async function change(path: string, body: unknown, done: string) {
    setError(undefined);
    setOutcome(undefined);
    setProposed(undefined);
    try {
      const res = await post<ChangeAnswer>(`/v1/models/${enc(model.name)}/${path}`, body);
      if ('approval' in res.data) setProposed(res.data.approval);
      else setOutcome(done);
      onChanged();
    } catch (err) { setError(err); }
  }
  /** Who put a version in its slot, and when: the newest history entry of that version. */
  const since = (version: string) => history.data?.history.find((h) => h.version === version && h.action !== 'retired');
  const slots = [['live', model.live], ['shadow', model.shadow]] as const;
  // One rollback button per version, on its newest entry.
  const newestOf = (h: HistoryEntry, i: number) => history.data?.history.findIndex((x) => x.version === h.version) === i;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Model {model.name}</h2>
      <table aria-label={`Versions of model ${model.name}`}>
        <thead><tr><th scope="col">Slot</th><th scope="col">Version</th><th scope="col">Declared version</th><th scope="col">Since</th><th scope="col">Reads</th>{canChange && <th scope="col">Change</th>}</tr></thead>
        <tbody>{slots.map(([slot, facts]) => (
          <tr key={slot}>
            <th scope="row">{slot}</th>
            {facts ? <>
              <td><code title={facts.version}>{short(facts.version)}</code></td><td>{facts.declaredVersion}</td>
              <td>{since(facts.version) ? `${formatTime(since(facts.version)!.at)} by ${since(facts.version)!.by}` : ''}</td>
              <td>{facts.features.length} features</td>
            </> : <td colSpan={4}>none</td>}
            {canChange && <td>{slot === 'shadow' && facts && <>
              <button type="button" className="primary" onClick={() => void change('promote', { version: facts.version }, `Version ${facts.declaredVersion} is live.`)}>Promote shadow</button>{' '}
              <button type="button" onClick={() => void change('retire', { slot: 'shadow' }, `Shadow version ${facts.declaredVersion} retired.`)}>Retire shadow</button>
            </>}</td>}
          </tr>
        ))}</tbody>
      </table>
      <ErrorNote error={error} />
      {outcome && <Notice>{outcome}</Notice>}
      {proposed && <Notice>Proposed as “{proposed.title}”: waiting for a second person’s approval (<Link to="/approvals">Approvals</Link>).</Notice>}
      {proposals.length > 0 && (
        <>
          <h3>Waiting for approval</h3>
          <ul>{proposals.map((p) => <li key={p.id}>{p.title}, proposed by {p.proposedBy} {formatTime(p.proposedAt)}: {p.status} (<Link to="/approvals">Approvals</Link>)</li>)}</ul>
        </>
      )}
      {canChange && <Upload name={model.name} onUploaded={onChanged} />}
      <h3>History</h3>
      <ErrorNote error={history.error} />
      <table aria-label={`History of model ${model.name}`}>
        <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Version</th><th scope="col">Declared</th><th scope="col">By</th><th scope="col">Approved by</th>{canChange && <th scope="col">Roll back</th>}</tr></thead>
        <tbody>{history.data?.history.map((h, i) => (
          <tr key={`${h.at}-${i}`}>
            <td>{formatTime(h.at)}</td><td>{h.action.replace('_', ' ')}</td><td><code title={h.version}>{short(h.version)}</code></td><td>{h.declaredVersion}</td>
            <td>{h.by}</td><td>{h.approval?.approvedBy ?? '—'}</td>
            {canChange && <td>{h.version !== model.live?.version && h.version !== model.shadow?.version && h.action !== 'retired' && newestOf(h, i) && (
              <button type="button" onClick={() => void change('rollback', { version: h.version }, `Rolled back to ${h.declaredVersion}.`)}>
                Roll back to this version<span className="visually-hidden"> ({h.declaredVersion}, {short(h.version)})</span></button>
            )}</td>}
          </tr>
        ))}</tbody>
      </table>
    </section>
  );
}

/** A new version from the browser: the .onnx file as the body (PUT …/versions), stored as shadow. */
function Upload({ name, onUploaded }: { name: string; onUploaded(): void }) {
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const inputId = `upload-${name}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(undefined);
    setDone(undefined);
    try {
      const res = await put<{ entry: HistoryEntry }>(`/v1/models/${enc(name)}/versions`, file, { contentType: 'application/octet-stream' });
      setDone(`Version ${res.data.entry.declaredVersion} (${short(res.data.entry.version)}) uploaded as the shadow version.`);
      onUploaded();
    } catch (err) { setError(err); }
  }
  return (
    <form onSubmit={(e) => void submit(e)} className="row" style={{ marginTop: '.75rem' }}>
      <div className="field"><label htmlFor={inputId}>New version of {name} (.onnx file)</label>
        <input id={inputId} type="file" accept=".onnx" onChange={(e) => setFile(e.target.files?.[0])} /></div>
      <button type="submit" disabled={!file}>Upload as shadow</button>
      <ErrorNote error={error} />
      {done && <Notice>{done}</Notice>}
    </form>
  );
}
