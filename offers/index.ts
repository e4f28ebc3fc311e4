// Engagement offers: pure decisions from an event that fired campaigns to at most one offer, with
// every other campaign's reason. Reading campaigns and counters, committing caps and sending
// are the caller's I/O. Format and decision order: README.md.
export {
  campaignSchema, campaignSetSchema, campaignTriggerSchema, campaignEligibilitySchema, campaignContentSchema, messageSchema, CAMPAIGN_STATES,
  type Campaign, type CampaignInput, type CampaignSet, type CampaignSetInput, type CampaignContent, type CampaignState, type OfferMessage,
} from './campaignSchema.js';
export { parseCampaignSet, validateCampaignSet, EXAMPLE_CAMPAIGNS_URL, type CampaignSetParseResult } from './load.js';
export { triggerContext, isBirthday, OFFER_FEATURES, CAMPAIGN_FEATURE_NAMES, type OfferCustomer } from './offerContext.js';
export { triggeredCampaigns, type TriggeredCampaign } from './trigger.js';
export { checkEligibility, type EligibilityCustomer, type EligibilityDecision } from './eligibility.js';
export { chooseChannel, type ChannelChoice } from './channel.js';
export { isQuietTime, nextAllowedSendTime } from './quietHours.js';
export { wallClockAt, localDate, type WallClock } from './localTime.js';
export {
  capChecks, evaluateCaps, applyCaps, countInWindow,
  type CapCheck, type CapCounters, type CapDecisionContext, type CapOutcome,
} from './caps.js';
export { holdoutBucket, isInHoldout } from './holdout.js';
export { renderMessage, placeholderFields, type RenderedMessage } from './content.js';
export { decideOffers, type ChosenOffer, type OfferDecision, type OfferDecisionContext } from './arbitrate.js';
export { offerPolicySchema, DEFAULT_OFFER_POLICY, type OfferPolicy, type OfferPolicyInput, type FrequencyCap } from './policy.js';
export {
  SUPPRESSION_REASONS, ELIGIBILITY_REASONS, CAP_REASONS,
  type SuppressionReason, type EligibilityReason, type CapReason, type Suppression,
} from './reasons.js';
