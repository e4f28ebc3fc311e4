import { describe, expect, it } from 'vitest';
import type { CustomerTier } from '../../customers/index.js';
import type { CustomerProfile, MarketingChannel, MarketingConsent } from '../../customers/profile.js';
import { chooseChannel, offerPolicySchema } from '../../offers/index.js';
import { campaign } from './fixtures.js';

const msg = { title: 't', body: 'b' };
const ALL_CONTENT = { push: msg, sms: msg, email: msg, rm_task: msg };
const ALL_CONSENT: MarketingConsent = { push: true, sms: true, email: true, rm_task: true };

type Content = Partial<Record<MarketingChannel, typeof msg>>;
type Case = [string, CustomerTier, Partial<CustomerProfile>, Content, MarketingChannel | 'none'];

describe('chooseChannel', () => {
  it.each<Case>([
    ['the preferred channel when consented and offered', 'mass', { preferred_channel: 'email', marketing_consent: ALL_CONSENT }, ALL_CONTENT, 'email'],
    ['preferred sms is used even though push ranks first', 'mass', { preferred_channel: 'sms', marketing_consent: ALL_CONSENT }, ALL_CONTENT, 'sms'],
    ['preferred not consented → first consented in the bank order', 'mass', { preferred_channel: 'push', marketing_consent: { push: false, sms: true, email: true } }, ALL_CONTENT, 'email'],
    ['preferred without content → first consented with content', 'mass', { preferred_channel: 'sms', marketing_consent: ALL_CONSENT }, { push: msg, email: msg }, 'push'],
    ['no preferred channel → bank order', 'mass', { marketing_consent: { sms: true, email: true } }, ALL_CONTENT, 'email'],
    ['only sms consented and offered', 'potential', { marketing_consent: { sms: true } }, { push: msg, sms: msg }, 'sms'],
    ['VIP with rm content → relationship manager, over their preferred push', 'vip', { preferred_channel: 'push', marketing_consent: ALL_CONSENT }, ALL_CONTENT, 'rm_task'],
    ['VIP without rm consent → preferred channel', 'vip', { preferred_channel: 'push', marketing_consent: { push: true } }, ALL_CONTENT, 'push'],
    ['VIP, campaign without rm content → preferred channel', 'vip', { preferred_channel: 'email', marketing_consent: ALL_CONSENT }, { push: msg, email: msg }, 'email'],
    ['mass customer is not routed to an RM by tier', 'mass', { marketing_consent: ALL_CONSENT }, ALL_CONTENT, 'push'],
    ['a mass customer who prefers their RM gets a task', 'mass', { preferred_channel: 'rm_task', marketing_consent: ALL_CONSENT }, ALL_CONTENT, 'rm_task'],
    ['consent given only where the campaign has nothing', 'mass', { marketing_consent: { sms: true } }, { push: msg, email: msg }, 'none'],
    ['no consent at all', 'vip', { preferred_channel: 'push' }, ALL_CONTENT, 'none'],
    ['consent explicitly refused everywhere', 'mass', { marketing_consent: { push: false, sms: false, email: false, rm_task: false } }, ALL_CONTENT, 'none'],
  ])('%s → %s', (_, tier, profile, content, expected) => {
    const choice = chooseChannel(campaign({ content }), { tier, profile });
    if (expected === 'none') {
      expect(choice).toMatchObject({ ok: false, reason: 'no_consented_channel' });
      return;
    }
    expect(choice).toMatchObject({ ok: true, channel: expected });
  });

  it('follows a configured channel order', () => {
    const policy = offerPolicySchema.parse({ channel_order: ['sms', 'email', 'push'] });
    const choice = chooseChannel(campaign({ content: ALL_CONTENT }), { tier: 'mass', profile: { marketing_consent: ALL_CONSENT } }, policy);
    expect(choice).toMatchObject({ ok: true, channel: 'sms' });
  });

  it('routes configured tiers to their relationship manager', () => {
    const policy = offerPolicySchema.parse({ rm_task_tiers: ['vip', 'potential'] });
    const choice = chooseChannel(campaign({ content: ALL_CONTENT }), { tier: 'potential', profile: { marketing_consent: ALL_CONSENT } }, policy);
    expect(choice).toMatchObject({ ok: true, channel: 'rm_task' });
  });

  it('says what the campaign offers and what the customer consented to when nothing fits', () => {
    const choice = chooseChannel(campaign({ content: { push: msg } }), { tier: 'mass', profile: { marketing_consent: { sms: true } } });
    expect(choice).toEqual({ ok: false, reason: 'no_consented_channel', detail: 'campaign has push; the customer consented to sms' });
  });
});
