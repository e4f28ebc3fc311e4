import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ApiError, enc, get, post, put } from '../api';
import { ErrorNote, PageTitle } from '../components/ui';
import type { StoredCampaign } from '../types';

const CHANNELS = ['push', 'sms', 'email', 'rm_task'] as const;
// Error paths from the API ("content.push.title: …") are shown beside the longest matching field.
const FIELD_PATHS = ['id', 'name', 'description', 'priority', 'expected_value', 'product', 'trigger.event_types', 'trigger.condition', 'trigger', 'eligibility',
  ...CHANNELS.map((c) => `content.${c}`), 'content', 'caps', 'holdout_share', 'quiet_hours', 'goal', 'budget'];

interface Form {
  id: string; name: string; description: string; priority: string; expected_value: string; product_id: string; product_risk: string;
  event_types: string; condition: string; eligibility: string; cooldown: string; holdout_share: string; quiet_hours: string;
  goal_event: string; goal_product: string; goal_within: string; budget: string;
  content: Record<(typeof CHANNELS)[number], { title: string; body: string }>;
}

const EMPTY: Form = {
  id: '', name: '', description: '', priority: '50', expected_value: '0', product_id: '', product_risk: 'low', event_types: 'transfer_in', condition: '', eligibility: '',
  cooldown: '30d', holdout_share: '0.1', quiet_hours: 'suppress', goal_event: '', goal_product: '', goal_within: '30d', budget: '',
  content: { push: { title: '', body: '' }, sms: { title: '', body: '' }, email: { title: '', body: '' }, rm_task: { title: '', body: '' } },
};

function formOf(c: Record<string, any>): Form {
  return {
    id: c.id, name: c.name, description: c.description, priority: String(c.priority), expected_value: String(c.expected_value ?? 0),
    product_id: c.product?.id ?? '', product_risk: c.product?.risk_level ?? 'low', event_types: (c.trigger?.event_types ?? []).join(', '),
    condition: c.trigger?.condition ? toYaml(c.trigger.condition) : '', eligibility: c.eligibility ? toYaml(c.eligibility) : '',
    cooldown: c.caps?.cooldown ?? '30d', holdout_share: String(c.holdout_share ?? 0), quiet_hours: c.quiet_hours ?? 'suppress',
    goal_event: c.goal?.event_type ?? '', goal_product: c.goal?.product_type ?? '', goal_within: c.goal?.within ?? '30d', budget: c.budget ? String(c.budget.max_offers_per_day) : '',
    content: Object.fromEntries(CHANNELS.map((ch) => [ch, { title: c.content?.[ch]?.title ?? '', body: c.content?.[ch]?.body ?? '' }])) as Form['content'],
  };
}

/** The form as the API's campaign; YAML sections that do not parse are reported beside their field. */
function campaignOf(f: Form, state: string): { campaign?: Record<string, unknown>; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const yaml = (text: string, field: string) => {
    if (!text.trim()) return undefined;
    try { return parseYaml(text) as unknown; } catch (err) { errors[field] = [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]; return undefined; }
  };
  const num = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const content = Object.fromEntries(CHANNELS.filter((ch) => f.content[ch].title.trim() || f.content[ch].body.trim()).map((ch) => [ch, f.content[ch]]));
  const campaign: Record<string, unknown> = {
    id: f.id.trim(), name: f.name.trim(), description: f.description.trim(), state, priority: num(f.priority), expected_value: num(f.expected_value),
    ...(f.product_id.trim() && { product: { id: f.product_id.trim(), risk_level: f.product_risk } }),
    trigger: { event_types: f.event_types.split(/[\s,]+/).filter(Boolean), ...(f.condition.trim() && { condition: yaml(f.condition, 'trigger.condition') }) },
    ...(f.eligibility.trim() && { eligibility: yaml(f.eligibility, 'eligibility') }),
    content, caps: { cooldown: f.cooldown.trim() }, holdout_share: num(f.holdout_share), quiet_hours: f.quiet_hours,
    ...(f.goal_event && { goal: { event_type: f.goal_event, ...(f.goal_product && { product_type: f.goal_product }), within: f.goal_within.trim() || '30d' } }),
    ...(f.budget.trim() && { budget: { max_offers_per_day: num(f.budget) } }),
  };
  return Object.keys(errors).length ? { errors } : { campaign, errors };
}

function byField(messages: string[]): { fields: Record<string, string[]>; other: string[] } {
  const fields: Record<string, string[]> = {};
  const other: string[] = [];
  for (const message of messages) {
    const path = message.includes(': ') ? message.slice(0, message.indexOf(': ')) : '';
    const field = FIELD_PATHS.filter((p) => path === p || path.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
    if (field) (fields[field] ??= []).push(message.slice(path.length + 2));
    else other.push(message);
  }
  return { fields, other };
}

/** Create or edit a campaign; every problem the server finds is shown beside its field. */
export function CampaignEditor() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(EMPTY);
  const [stored, setStored] = useState<StoredCampaign>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [loadError, setLoadError] = useState<unknown>();
  useEffect(() => {
    if (!id) return;
    get<StoredCampaign>(`/v1/campaigns/${enc(id)}`).then((s) => { setStored(s); setForm(formOf(s.campaign)); }, setLoadError);
  }, [id]);

  const set = (key: keyof Form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const setContent = (ch: (typeof CHANNELS)[number], part: 'title' | 'body') => (value: string) =>
    setForm((f) => ({ ...f, content: { ...f.content, [ch]: { ...f.content[ch], [part]: value } } }));

  async function save(e: FormEvent) {
    e.preventDefault();
    const built = campaignOf(form, stored?.campaign.state ?? 'draft');
    setFieldErrors(built.errors);
    setOtherErrors([]);
    if (!built.campaign) return;
    try {
      if (stored) await put(`/v1/campaigns/${enc(stored.campaign.id)}`, built.campaign);
      else await post('/v1/campaigns', built.campaign);
      navigate(`/campaigns/${enc(form.id.trim())}`);
    } catch (err) {
      const messages = err instanceof ApiError ? (err.errors.length ? err.errors : [err.message]) : [String(err)];
      const { fields, other } = byField(messages);
      setFieldErrors(fields);
      setOtherErrors(other);
      // Take the user to the first problem.
      setTimeout(() => (document.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus(), 0);
    }
  }

  const field = (key: string, label: string, control: (props: { id: string; invalid: boolean; describedBy?: string }) => ReactNode, hint?: string) => {
    const errs = fieldErrors[key] ?? [];
    const fid = `c-${key.replace(/\W/g, '-')}`;
    const described = [hint ? `${fid}-hint` : '', errs.length ? `${fid}-err` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field" key={key}>
        <label htmlFor={fid}>{label}</label>
        {control({ id: fid, invalid: errs.length > 0, describedBy: described })}
        {hint && <span id={`${fid}-hint`} className="hint">{hint}</span>}
        {errs.length > 0 && <p id={`${fid}-err`} className="field-error">{errs.join('; ')}</p>}
      </div>
    );
  };
  const input = (key: keyof Form, label: string, hint?: string, type = 'text', path: string = key) =>
    field(path, label, (p) => <input id={p.id} type={type} step="any" value={form[key] as string} onChange={(e) => set(key)(e.target.value)} aria-invalid={p.invalid} aria-describedby={p.describedBy} disabled={key === 'id' && !!stored} />, hint);
  const area = (key: keyof Form, label: string, path: string, hint?: string) =>
    field(path, label, (p) => <textarea id={p.id} rows={4} value={form[key] as string} onChange={(e) => set(key)(e.target.value)} aria-invalid={p.invalid} aria-describedby={p.describedBy} spellCheck={false} />, hint);

  return (
    <>
      <PageTitle>{stored ? `Edit campaign ${stored.campaign.name}` : 'New campaign'}</PageTitle>
      <p><Link to={stored ? `/campaigns/${enc(stored.campaign.id)}` : '/campaigns'}>← Back</Link></p>
      <ErrorNote error={loadError} />
      <form onSubmit={(e) => void save(e)} noValidate aria-label="Campaign">
        {(Object.keys(fieldErrors).length > 0 || otherErrors.length > 0) && (
          <div role="alert" className="error">The campaign was not saved: {Object.values(fieldErrors).flat().length + otherErrors.length} problem(s), shown beside their fields.{otherErrors.length > 0 && <ul>{otherErrors.map((m, i) => <li key={i}>{m}</li>)}</ul>}</div>
        )}
        <section className="card"><h2>What it is</h2>
          <div className="grid2">
            <div>{input('id', 'Id', 'lowercase letters, digits and hyphens; fixed once created')}{input('name', 'Name')}{area('description', 'Description', 'description', 'the customer need it answers, and why these thresholds')}</div>
            <div>{input('priority', 'Priority', 'higher wins when several campaigns fire on one event (0–1000)', 'number')}{input('expected_value', 'Expected value per accepted offer', undefined, 'number')}
              {input('product_id', 'Product offered', 'leave empty for care messages that sell nothing', 'text', 'product')}
              {field('product.risk_level', 'Product risk level', (p) => <select id={p.id} value={form.product_risk} onChange={(e) => set('product_risk')(e.target.value)} aria-invalid={p.invalid}><option>low</option><option>medium</option><option>high</option></select>)}</div>
          </div>
        </section>
        <section className="card"><h2>When it fires</h2>
          {input('event_types', 'Trigger event types', 'comma-separated, e.g. transfer_in, salary_credit', 'text', 'trigger.event_types')}
          {area('condition', 'Trigger condition (YAML)', 'trigger.condition', 'a rules condition over event.*, features.*, tags, tier, profile.*; empty: every such event')}
          {area('eligibility', 'Eligibility (YAML)', 'eligibility', 'tiers, required_tags, excluded_tags, products_required, …; empty: the cautious defaults')}
        </section>
        <section className="card"><h2>What it says</h2>
          <div className="grid2">{CHANNELS.map((ch) => (
            <fieldset key={ch}><legend>{ch.replace('_', ' ')}</legend>
              {field(`content.${ch}`, `${ch.replace('_', ' ')} title`, (p) => <input id={p.id} value={form.content[ch].title} onChange={(e) => setContent(ch, 'title')(e.target.value)} aria-invalid={p.invalid} aria-describedby={p.describedBy} />)}
              <div className="field"><label htmlFor={`c-body-${ch}`}>{ch.replace('_', ' ')} body</label>
                <textarea id={`c-body-${ch}`} rows={2} value={form.content[ch].body} onChange={(e) => setContent(ch, 'body')(e.target.value)} /></div>
            </fieldset>
          ))}</div>
          {fieldErrors.content && <p className="field-error" role="alert">{fieldErrors.content.join('; ')}</p>}
        </section>
        <section className="card"><h2>Limits and measurement</h2>
          <div className="grid2">
            <div>{input('cooldown', 'Cooldown', 'e.g. 30d: no second offer of this campaign to a customer within it', 'text', 'caps')}
              {input('holdout_share', 'Control group share', '0 to 0.5 of customers decided but not sent, to measure uplift', 'number')}
              {input('budget', 'Offers per day (budget)', 'empty: unlimited', 'number')}
              {field('quiet_hours', 'In the customer\'s quiet hours', (p) => <select id={p.id} value={form.quiet_hours} onChange={(e) => set('quiet_hours')(e.target.value)}><option value="suppress">drop the offer</option><option value="defer">send when they end</option></select>)}</div>
            <div>{field('goal', 'Goal event', (p) => <input id={p.id} value={form.goal_event} onChange={(e) => set('goal_event')(e.target.value)} aria-invalid={p.invalid} aria-describedby={p.describedBy} />, 'e.g. product_opened; empty: no uplift measured')}
              {input('goal_product', 'Goal product type', 'for product_opened goals, e.g. savings')}{input('goal_within', 'Goal window')}</div>
          </div>
        </section>
        <button type="submit" className="primary">{stored ? 'Save changes' : 'Create draft'}</button>
      </form>
    </>
  );
}
