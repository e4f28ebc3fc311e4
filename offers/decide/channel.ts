import type { CustomerTier } from '../../customers/index.js';
import type { CustomerProfile, MarketingChannel } from '../../customers/profile.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import { DEFAULT_OFFER_POLICY, type OfferPolicy } from './policy.js';

export type ChannelChoice =
  | { ok: true; channel: MarketingChannel; why: string }
  | { ok: false; reason: 'no_consented_channel'; detail: string };

/** A channel is usable when the customer consented to it and the campaign has a message for it. */
function usable(channel: MarketingChannel, campaign: Campaign, profile: CustomerProfile | undefined): boolean {
  return profile?.marketing_consent?.[channel] === true && campaign.content[channel] !== undefined;
}

/**
 * How to reach the customer with this campaign:
 * 1. a customer of an RM tier (VIP by default) gets a relationship-manager task when the campaign
 *    has one and they consented: a personal call is what they pay for;
 * 2. else their preferred channel, if consented and the campaign has content for it;
 * 3. else the first usable channel of the bank's order.
 * Never a channel without consent: with none usable the offer is suppressed, not sent elsewhere.
 */
export function chooseChannel(
  campaign: Campaign,
  customer: { profile?: CustomerProfile | undefined; tier: CustomerTier },
  policy: Pick<OfferPolicy, 'channel_order' | 'rm_task_tiers'> = DEFAULT_OFFER_POLICY,
): ChannelChoice {
  const { profile, tier } = customer;
  if (policy.rm_task_tiers.includes(tier) && usable('rm_task', campaign, profile)) {
    return { ok: true, channel: 'rm_task', why: `${tier} customer: task for the relationship manager` };
  }
  const preferred = profile?.preferred_channel;
  if (preferred !== undefined && usable(preferred, campaign, profile)) {
    return { ok: true, channel: preferred, why: `the customer's preferred channel (${preferred})` };
  }
  const fallback = policy.channel_order.find((channel) => usable(channel, campaign, profile));
  if (fallback !== undefined) {
    const instead = preferred === undefined ? 'no preferred channel' : `preferred ${preferred} not consented or without content`;
    return { ok: true, channel: fallback, why: `${fallback}, first consented channel with content (${instead})` };
  }
  const offered = Object.keys(campaign.content).filter((c) => campaign.content[c as MarketingChannel] !== undefined);
  const consented = Object.entries(profile?.marketing_consent ?? {}).filter(([, given]) => given).map(([c]) => c);
  return {
    ok: false,
    reason: 'no_consented_channel',
    detail: `campaign has ${offered.join(', ')}; the customer consented to ${consented.length > 0 ? consented.join(', ') : 'no channel'}`,
  };
}
