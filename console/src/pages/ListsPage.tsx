import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { enc, get, post } from '../api';
import { ErrorNote, formatTime, Notice, PageTitle, useLoad } from '../components/ui';
import { useHasRole } from '../session';
import type { Proposal } from '../types';

interface ListView { name: string; purpose: string; kind: string; description: string; entries: number; updated_at: string; updated_by: string }
interface EntryView { value: string; reason: string; expires_at: string; added_at: string; added_by: string; source: string }
interface ImportReport { status?: string; approval?: Proposal; imported: number; rejected: number; results: { line: number; value: string | null; status: string; errors?: string[] }[] }

/** Allow, block and watch lists: what is on them, who changed them, and bulk imports from CSV. */
export function ListsPage() {
  const lists = useLoad(() => get<{ lists: ListView[] }>('/v1/lists'));
  const [selected, setSelected] = useState('');
  return (
    <>
      <PageTitle>Lists</PageTitle>
      <ErrorNote error={lists.error} />
      <table aria-label="Lists">
        <thead><tr><th scope="col">List</th><th scope="col">Purpose</th><th scope="col">Kind</th><th scope="col">Entries</th><th scope="col">Last change</th><th scope="col">Show</th></tr></thead>
        <tbody>{lists.data?.lists.map((l) => (
          <tr key={l.name}><td>{l.name}<br /><span className="muted">{l.description}</span></td><td>{l.purpose}</td><td>{l.kind}</td><td>{l.entries}</td>
            <td>{formatTime(l.updated_at)} by {l.updated_by}</td>
            <td><button type="button" aria-pressed={selected === l.name} onClick={() => setSelected(l.name)}>Entries of {l.name}</button></td></tr>
        ))}</tbody>
      </table>
      {selected && <Entries list={selected} key={selected} onImported={lists.reload} />}
    </>
  );
}

function Entries({ list, onImported }: { list: string; onImported(): void }) {
  const entries = useLoad(() => get<{ entries: EntryView[] }>(`/v1/lists/${enc(list)}/entries?limit=200`), [list]);
  const canImport = useHasRole('risk-admin');
  return (
    <section className="card" aria-labelledby="entries-heading">
      <h2 id="entries-heading">Entries of {list}</h2>
      <ErrorNote error={entries.error} />
      <table>
        <thead><tr><th scope="col">Value</th><th scope="col">Reason</th><th scope="col">Expires</th><th scope="col">Added</th></tr></thead>
        <tbody>
          {entries.data?.entries.map((e) => <tr key={e.value}><td>{e.value}</td><td>{e.reason}</td><td>{formatTime(e.expires_at)}</td><td>{formatTime(e.added_at)} by {e.added_by} ({e.source})</td></tr>)}
          {entries.data?.entries.length === 0 && <tr><td colSpan={4}>No entries.</td></tr>}
        </tbody>
      </table>
      {canImport && <Import list={list} onDone={() => { entries.reload(); onImported(); }} />}
    </section>
  );
}

function Import({ list, onDone }: { list: string; onDone(): void }) {
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ImportReport>();
  const [error, setError] = useState<unknown>();
  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (file) setCsv(await file.text());
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setReport(undefined);
    try {
      const res = await post<ImportReport>(`/v1/lists/${enc(list)}/import`, csv, { contentType: 'text/csv' });
      setReport(res.data);
      onDone();
    } catch (err) { setError(err); }
  }
  const rejected = report?.results.filter((r) => r.status === 'rejected') ?? [];
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={`Import entries into ${list}`}>
      <h3>Import entries from CSV</h3>
      <p className="muted">Columns value, reason, expires_at. With four-eyes on, the valid rows are proposed and written once another risk admin approves them.</p>
      <div className="field"><label htmlFor="csv-file">CSV file</label><input id="csv-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} /></div>
      <div className="field"><label htmlFor="csv-text">Or paste the rows</label><textarea id="csv-text" rows={5} value={csv} onChange={(e) => setCsv(e.target.value)} placeholder="value,reason,expires_at" /></div>
      <button type="submit" className="primary" disabled={!csv.trim()}>Import</button>
      <ErrorNote error={error} />
      {report && (report.approval
        ? <Notice>Proposed: {String(report.approval.details?.entries ?? '')} entries wait for a second person’s approval (<Link to="/approvals">Approvals</Link>); {report.rejected} rows rejected.</Notice>
        : <Notice>{report.imported} entries imported; {report.rejected} rows rejected.</Notice>)}
      {rejected.length > 0 && (
        <table aria-label="Rejected rows"><thead><tr><th scope="col">Line</th><th scope="col">Value</th><th scope="col">What to fix</th></tr></thead>
          <tbody>{rejected.map((r) => <tr key={r.line}><td>{r.line}</td><td>{r.value ?? ''}</td><td>{r.errors?.join('; ')}</td></tr>)}</tbody></table>
      )}
    </form>
  );
}
