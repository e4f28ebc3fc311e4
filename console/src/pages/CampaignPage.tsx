import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { enc, get, post } from '../api';
import { Chart } from '../components/Chart';
import { Badge, ErrorNote, formatTime, Notice, PageTitle, percent, useLoad } from '../components/ui';
import type { CampaignStats, Proposal, StoredCampaign } from '../types';

/** One campaign: its state and changes, its funnel, conversion and uplift with its interval. */
export function CampaignPage() {
  const { id = '' } = useParams();
  const campaign = useLoad(() => get<StoredCampaign>(`/v1/campaigns/${enc(id)}`), [id]);
  const stats = useLoad(() => get<CampaignStats>(`/v1/campaigns/${enc(id)}/stats`), [id]);
  const audit = useLoad(() => get<{ entries: { at: string; actor: string; action: string; revision: number; fromState?: string; toState?: string; changes?: string[] }[] }>(`/v1/campaigns/audit?campaign_id=${enc(id)}&limit=20`), [id]);
  const c = campaign.data;
  return (
    <>
      <PageTitle>{c ? `Campaign: ${c.campaign.name}` : 'Campaign'}</PageTitle>
      <p><Link to="/campaigns">← All campaigns</Link></p>
      <ErrorNote error={campaign.error} />
      {c && <StateCard stored={c} onChanged={() => { campaign.reload(); audit.reload(); }} />}
      <ErrorNote error={stats.error} />
      {stats.data && <StatsCharts stats={stats.data} />}
      <section className="card" aria-labelledby="changes-heading">
        <h2 id="changes-heading">Changes</h2>
        <table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
          <tbody>{audit.data?.entries.map((e, i) => (
            <tr key={i}><td>{formatTime(e.at)}</td><td>{e.actor}</td><td>{e.action} (revision {e.revision}){e.toState ? `: ${e.fromState ?? 'new'} → ${e.toState}` : ''}{e.changes?.length ? ` · ${e.changes.join(', ')}` : ''}</td></tr>
          ))}</tbody></table>
      </section>
    </>
  );
}

function StateCard({ stored, onChanged }: { stored: StoredCampaign; onChanged(): void }) {
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const { campaign } = stored;
  async function setState(state: 'active' | 'paused') {
    setError(undefined);
    setNote('');
    try {
      const res = await post<{ approval?: Proposal }>(`/v1/campaigns/${enc(campaign.id)}/state`, { state }, {});
      if (res.status === 202) setNote(`Activation proposed: waiting for a second person's approval (${res.data.approval?.id}).`);
      else setNote(`Campaign ${state}.`);
      onChanged();
    } catch (err) { setError(err); }
  }
  return (
    <section className="card" aria-labelledby="state-heading">
      <h2 id="state-heading">State: <Badge kind="state">{campaign.state}</Badge></h2>
      <p>Revision {stored.revision} · last changed {formatTime(stored.updatedAt)} by {stored.updatedBy}{stored.activatedAt ? ` · first activated ${formatTime(stored.activatedAt)}` : ''}</p>
      <p className="muted">{String(campaign.description ?? '')}</p>
      <div className="row">
        {campaign.state !== 'active' && <button type="button" className="primary" onClick={() => void setState('active')}>Activate</button>}
        {campaign.state === 'active' && <button type="button" onClick={() => void setState('paused')}>Pause</button>}
        {campaign.state !== 'active' && <Link className="button" to={`/campaigns/${enc(campaign.id)}/edit`}>Edit</Link>}
      </div>
      <ErrorNote error={error} />
      {note && <Notice>{note}</Notice>}
    </section>
  );
}

function StatsCharts({ stats }: { stats: CampaignStats }) {
  const funnel = [
    ['Fired', stats.triggered], ['Sent', stats.sent], ['Delivered', stats.delivery.delivered], ['Viewed', stats.responses.viewed], ['Accepted', stats.responses.accepted],
  ] as const;
  const funnelOption = useMemo(() => ({
    tooltip: { trigger: 'item' },
    series: [{ type: 'funnel', sort: 'none', left: '5%', width: '60%', minSize: '6%', label: { show: true, position: 'right', formatter: '{b}: {c}', color: '#1b1f24' },
      data: funnel.map(([name, value]) => ({ name, value })) }],
  }), [stats]);
  const u = stats.uplift;
  const upliftOption = useMemo(() => {
    if (!u) return undefined;
    const rate = (r: number | null) => (r === null ? 0 : +(r * 100).toFixed(2));
    const ci = u.ci ? [+(u.ci.low * 100).toFixed(2), +(u.ci.high * 100).toFixed(2)] : null;
    return {
      tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: ['Offered (treated)', 'Control (held out)', 'Uplift'] },
      yAxis: { type: 'value', axisLabel: { formatter: '{value} %' } },
      series: [
        { name: 'Rate / uplift', type: 'bar', data: [rate(u.treated.rate), rate(u.control.rate), u.uplift === null ? 0 : +(u.uplift * 100).toFixed(2)], itemStyle: { color: '#2f6fb5' } },
        ...(ci ? [{
          name: '95 % interval', type: 'custom', data: [[2, ci[0], ci[1]]],
          renderItem: (_params: unknown, api: { value(i: number): number; coord(p: number[]): number[] }) => {
            const low = api.coord([api.value(0), api.value(1)]);
            const high = api.coord([api.value(0), api.value(2)]);
            const x = low[0]!;
            return { type: 'group', children: [
              { type: 'line', shape: { x1: x, y1: low[1], x2: x, y2: high[1] }, style: { stroke: '#111', lineWidth: 2 } },
              { type: 'line', shape: { x1: x - 8, y1: low[1], x2: x + 8, y2: low[1] }, style: { stroke: '#111', lineWidth: 2 } },
              { type: 'line', shape: { x1: x - 8, y1: high[1], x2: x + 8, y2: high[1] }, style: { stroke: '#111', lineWidth: 2 } },
            ] };
          },
        }] : []),
      ],
    };
  }, [u]);
  return (
    <div className="grid2">
      <section className="card" aria-labelledby="funnel-heading">
        <h2 id="funnel-heading">Funnel (last 30 days)</h2>
        <div className="stats">
          <div className="stat"><div className="muted">Held out</div><div className="value">{stats.holdout}</div></div>
          <div className="stat"><div className="muted">Suppressed</div><div className="value">{stats.suppressed.total}</div></div>
          <div className="stat"><div className="muted">Conversion</div><div className="value">{percent(stats.conversion)}</div></div>
        </div>
        <Chart option={funnelOption} testId="funnel-chart" summary={`Funnel: ${funnel.map(([n, v]) => `${n} ${v}`).join(', ')}`}
          table={{ head: ['Step', 'Count'], rows: funnel.map(([n, v]) => [n, v]) }} />
        {stats.suppressed.total > 0 && <p className="muted">Suppressed by reason: {Object.entries(stats.suppressed.byReason).map(([r, n]) => `${r} ${n}`).join(', ')}</p>}
      </section>
      <section className="card" aria-labelledby="uplift-heading">
        <h2 id="uplift-heading">Conversion and uplift</h2>
        {!u && <p>This campaign has no goal, so uplift is not measured.</p>}
        {u && upliftOption && (
          <>
            <p>Goal: {u.goal}. Treated {u.treated.converted}/{u.treated.customers}, control {u.control.converted}/{u.control.customers}.</p>
            <Chart option={upliftOption} testId="uplift-chart"
              summary={`Converted: offered ${percent(u.treated.rate)}, control ${percent(u.control.rate)}; uplift ${percent(u.uplift)}${u.ci ? ` with 95 % interval ${percent(u.ci.low)} to ${percent(u.ci.high)}` : ' (no interval: a group is empty)'}; ${u.significant ? 'significant' : 'not significant'} (${u.method})`}
              table={{ head: ['Group', 'Customers', 'Converted', 'Rate'], rows: [['Offered', u.treated.customers, u.treated.converted, percent(u.treated.rate)], ['Control', u.control.customers, u.control.converted, percent(u.control.rate)]] }} />
          </>
        )}
      </section>
    </div>
  );
}
