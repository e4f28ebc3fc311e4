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
export { CapStore } from './capStore.js';
export { holdoutBucket, isInHoldout } from './holdout.js';
export { renderMessage, placeholderFields, type RenderedMessage } from './content.js';
export { decideOffers, type ChosenOffer, type OfferDecision, type OfferDecisionContext } from './arbitrate.js';
export { offerPolicySchema, DEFAULT_OFFER_POLICY, type OfferPolicy, type OfferPolicyInput, type FrequencyCap } from './policy.js';
export {
  SUPPRESSION_REASONS, ELIGIBILITY_REASONS, CAP_REASONS,
  type SuppressionReason, type EligibilityReason, type CapReason, type Suppression,
} from './reasons.js';
export { offerPayload, type Offer, type OfferPayload } from './offer.js';
export { offerKeys, customerOfferKeys, campaignBudgetKeyPrefix, type OfferKeys } from './keys.js';
export { createOfferMetrics, type OfferMetrics } from './metrics.js';
export {
  ChannelEndpointRegistry, ChannelEndpointNotFoundError, channelEndpointInputSchema, channelEndpointSchema,
  type ChannelEndpoint, type ChannelEndpointInput, type ChannelEndpointWithSecret,
} from './channelEndpoints.js';
export {
  OfferDelivery, ChannelEndpointError, OfferDeadLetterNotFoundError, deliveryJobId,
  type OfferDeliveryOptions, type OfferJobData, type OfferJobResult, type OfferDeadLetter, type DeliveryOutcome, type DeliveryOutcomeStatus, type StillAllowed,
} from './offerDelivery.js';
export { offerDeliveryRoutes, type OfferDeliveryRouteDeps } from './deliveryRoutes.js';
export { upliftOf, wilsonInterval, normalQuantile, type ConversionCounts, type Uplift } from './uplift.js';
export {
  CampaignRegistry, type StoredCampaign, type CampaignAuditEntry, type CampaignAction, type CampaignRegistryOptions,
} from './campaignRegistry.js';
export { campaignRoutes, type CampaignRouteDeps } from './campaignRoutes.js';
export { checkCampaignInput, changedFields, type CampaignCheck } from './campaignChanges.js';
export {
  InvalidCampaignError, CampaignNotFoundError, CampaignExistsError, StaleCampaignRevisionError, IllegalCampaignStateError, CampaignConflictError,
} from './campaignErrors.js';
export { decisionRows, offerIdOf, outcomeOf, type DecisionRecord, type DecisionRow, type DecisionOutcome } from './decisionRecord.js';
export { DecisionStore } from './decisionStore.js';
export { OfferLog, parseOfferLogEntry, type OfferLogRecord, type OfferLogEntry, type DeliveryRow, type ResponseRow } from './offerLog.js';
export { OfferArchive } from './offerArchive.js';
export { offerOutboxRecord, type OfferOutboxRecord, type TriggerCustomer, type TriggerInput } from './offerTriggers.js';
export { OfferDecider, type OfferDeciderDeps, type CampaignSource, type CapLedger, type OfferSender, type FraudReview } from './offerDecider.js';
export { OfferFollower } from './offerFollower.js';
export { OfferFeed } from './offerFeed.js';
export { campaignStats, type CampaignStats, type UpliftStats } from './stats.js';
export { offerRoutes, type OfferRouteDeps } from './offerRoutes.js';
export { createOfferService, type OfferService, type OfferServiceOptions } from './service.js';
