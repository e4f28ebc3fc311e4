import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CAMPAIGNS_URL, parseCampaignSet } from '../../offers/index.js';
import { BASE_CAMPAIGN } from './fixtures.js';

/** Errors for a JSON campaign set holding the base campaign with `changes` applied. */
function errorsFor(changes: Record<string, unknown>, extra: unknown[] = []): string[] {
  const text = JSON.stringify({ version: '1', campaigns: [{ ...BASE_CAMPAIGN, ...changes }, ...extra] });
  const result = parseCampaignSet(text, 'json');
  return result.ok ? [] : result.errors;
}

describe('parseCampaignSet', () => {
  it('accepts the base campaign and fills in the cautious defaults', () => {
    const result = parseCampaignSet(JSON.stringify({ version: '1', campaigns: [BASE_CAMPAIGN] }), 'json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [c] = result.campaignSet.campaigns;
    expect(c?.eligibility).toEqual({
      required_tags: [], excluded_tags: [], products_required: [], products_excluded: [],
      kyc_verified_required: true, exclude_open_fraud_alert: true,
    });
    expect(c?.holdout_share).toBe(0);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown key', { colour: 'red' }, 'campaigns.0 (savings-boost): unknown field(s) colour'],
    ['a non-slug id', { id: 'Savings_Boost' }, 'campaigns.0 (Savings_Boost).id: a slug'],
    ['an unknown state', { state: 'live' }, 'campaigns.0 (savings-boost).state: Invalid option'],
    ['a negative expected value', { expected_value: -5 }, 'campaigns.0 (savings-boost).expected_value: Too small'],
    ['a fractional priority', { priority: 1.5 }, 'campaigns.0 (savings-boost).priority:'],
    ['an unknown product risk', { product: { id: 'x', risk_level: 'extreme' } }, 'product.risk_level: Invalid option'],
    ['a holdout above one half', { holdout_share: 0.6 }, 'campaigns.0 (savings-boost).holdout_share: Too big'],
    ['a bad cooldown', { caps: { cooldown: '30 days' } }, 'caps.cooldown: a duration such as'],
    ['a zero budget', { budget: { max_offers_per_day: 0 } }, 'budget.max_offers_per_day: Too small'],
    ['no content at all', { content: {} }, 'content needs at least one channel'],
    ['an unknown channel', { content: { fax: { title: 't', body: 'b' } } }, 'content: unknown field(s) fax'],
    ['a message without body', { content: { push: { title: 't' } } }, 'content.push.body: required'],
    ['no trigger events', { trigger: { event_types: [] } }, 'trigger.event_types: Too small'],
    ['an unknown event type', { trigger: { event_types: ['card_paymnet'] } }, 'trigger.event_types.0: Invalid option'],
    ['a bad condition op', { trigger: { event_types: ['login'], condition: { field: 'features.txn_count_1h', op: 'greater', value: 1 } } }, 'trigger.condition.op: Invalid option'],
    ['a misspelt condition key', { trigger: { event_types: ['login'], condition: { field: 'features.txn_count_1h', op: 'gt', valu: 1 } } }, 'trigger.condition: unknown field(s) valu'],
    ['an unknown tier', { eligibility: { tiers: ['gold'] } }, 'eligibility.tiers.0: Invalid option'],
    ['an unknown eligibility key', { eligibility: { min_aum: 5 } }, 'eligibility: unknown field(s) min_aum'],
    ['a schedule that ends before it starts', { schedule: { starts_at: '2026-12-31T00:00:00Z', ends_at: '2026-12-01T00:00:00Z' } }, 'schedule: starts_at must be before ends_at'],
    ['a schedule date without a time', { schedule: { starts_at: '2026-12-01' } }, 'schedule.starts_at:'],
    ['an unknown quiet-hours rule', { quiet_hours: 'wait' }, 'quiet_hours: Invalid option'],
    ['a goal of an unknown product type', { goal: { event_type: 'product_opened', product_type: 'yacht' } }, 'goal.product_type: Invalid option'],
  ])('rejects %s', (_, changes, message) => {
    expect(errorsFor(changes).join('\n')).toContain(message);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown feature, with a suggestion', { trigger: { event_types: ['login'], condition: { field: 'features.score_chrun', op: 'gte', value: 0.5 } } },
      'campaigns.0 (savings-boost).trigger.condition.field: unknown feature "score_chrun" (did you mean "score_churn"?)'],
    ['a placeholder naming no field', { content: { push: { title: 'Hi', body: 'Hello {customer.name}' } } },
      'campaigns.0 (savings-boost).content.push.body: {customer.name}: "customer.name" is not a field'],
    ['a placeholder naming an unknown feature', { content: { email: { title: '{features.amount_in_31d}', body: 'b' } } },
      'content.email.title: {features.amount_in_31d}: unknown feature "amount_in_31d"'],
    ['a tag both required and excluded', { eligibility: { required_tags: ['needs:travel'], excluded_tags: ['needs:travel'] } },
      'tag "needs:travel" is both required and excluded'],
    ['a product both required and excluded', { eligibility: { products_required: ['card'], products_excluded: ['card'] } },
      'product "card" is both required and excluded'],
  ])('rejects %s after the schema', (_, changes, message) => {
    expect(errorsFor(changes).join('\n')).toContain(message);
  });

  it('rejects duplicate campaign ids', () => {
    expect(errorsFor({}, [BASE_CAMPAIGN])).toContain('campaigns.1 (savings-boost).id: duplicate campaign id "savings-boost"');
  });

  it('reports every problem of a file at once', () => {
    expect(errorsFor({ state: 'live', holdout_share: 0.9, caps: { cooldown: 'soon' } })).toHaveLength(3);
  });

  it('rejects a key written twice in YAML instead of keeping the last', () => {
    const result = parseCampaignSet('version: "1"\nversion: "2"\ncampaigns: []\n', 'yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toContain('YAML syntax');
  });

  it('loads the shipped examples: seven active campaigns, one per customer moment', () => {
    const result = parseCampaignSet(readFileSync(EXAMPLE_CAMPAIGNS_URL, 'utf8'), 'yaml');
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.campaignSet.campaigns.map((c) => c.id)).toEqual([
      'service-recovery', 'retention-offer', 'birthday-greeting', 'product-anniversary', 'payroll-package', 'idle-balance-wealth', 'travel-card',
    ]);
    expect(result.campaignSet.campaigns.every((c) => c.state === 'active')).toBe(true);
  });
});
