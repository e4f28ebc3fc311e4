import { useMemo } from 'react';
import { Link } from 'react-router';
import { Chart } from '../components/Chart';
import { enc, get } from '../api';
import { Badge, ErrorNote, formatTime, PageTitle, percent, useLoad } from '../components/ui';
import type { CampaignStats, CampaignSummary } from '../types';

/** Every campaign with its state and its funnel over the last 30 days. */
export function CampaignsPage() {
  const list = useLoad(async () => {
    const { campaigns } = await get<{ campaigns: CampaignSummary[] }>('/v1/campaigns');
    const stats = await Promise.all(campaigns.map((c) => get<CampaignStats>(`/v1/campaigns/${enc(c.id)}/stats`).catch(() => undefined)));
    return campaigns.map((c, i) => ({ ...c, stats: stats[i] }));
  });
  return (
    <>
      <PageTitle>Campaigns</PageTitle>
      <p><Link className="button primary" to="/campaigns/new">New campaign</Link></p>
      <ErrorNote error={list.error} />
      <table aria-label="Campaigns" aria-busy={list.loading}>
        <thead><tr><th scope="col">Campaign</th><th scope="col">State</th><th scope="col">Fired</th><th scope="col">Sent</th><th scope="col">Held out</th>
          <th scope="col">Delivered</th><th scope="col">Accepted</th><th scope="col">Conversion</th><th scope="col">Last change</th></tr></thead>
        <tbody>{list.data?.map((c) => (
          <tr key={c.id}>
            <td><Link to={`/campaigns/${enc(c.id)}`}>{c.name}</Link> <span className="muted">{c.id}</span></td>
            <td><Badge kind="state">{c.state}</Badge></td>
            <td>{c.stats?.triggered ?? '—'}</td><td>{c.stats?.sent ?? '—'}</td><td>{c.stats?.holdout ?? '—'}</td>
            <td>{c.stats?.delivery.delivered ?? '—'}</td><td>{c.stats?.responses.accepted ?? '—'}</td><td>{percent(c.stats?.conversion)}</td>
            <td>{formatTime(c.updatedAt)} by {c.updatedBy}</td>
          </tr>
        ))}</tbody>
      </table>
      {list.data && list.data.length > 0 && <Funnels rows={list.data} />}
    </>
  );
}

const STEPS = [
  ['Fired', (s: CampaignStats) => s.triggered], ['Sent', (s: CampaignStats) => s.sent],
  ['Delivered', (s: CampaignStats) => s.delivery.delivered], ['Accepted', (s: CampaignStats) => s.responses.accepted],
] as const;

/** Every campaign's funnel side by side: where each one loses its customers. */
function Funnels({ rows }: { rows: (CampaignSummary & { stats?: CampaignStats })[] }) {
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 160, right: 20, top: 10, bottom: 40 },
    yAxis: { type: 'category', data: rows.map((r) => r.name), inverse: true }, xAxis: { type: 'value', minInterval: 1 },
    series: STEPS.map(([name, value]) => ({ name, type: 'bar', data: rows.map((r) => (r.stats ? value(r.stats) : 0)) })),
  }), [rows]);
  return (
    <section className="card" aria-labelledby="funnels-heading">
      <h2 id="funnels-heading">Funnels (last 30 days)</h2>
      <Chart option={option} height={Math.max(220, rows.length * 60)} testId="campaign-funnels"
        summary={rows.map((r) => `${r.name}: ${STEPS.map(([n, v]) => `${n.toLowerCase()} ${r.stats ? v(r.stats) : 0}`).join(', ')}`).join('; ')}
        table={{ head: ['Campaign', ...STEPS.map(([n]) => n)], rows: rows.map((r) => [r.name, ...STEPS.map(([, v]) => (r.stats ? v(r.stats) : 0))]) }} />
    </section>
  );
}
