// Engagement offers: campaigns as data (campaigns/), pure decisions (decide/), the pipeline
// follower, decider and cap store (pipeline/), delivery (delivery/) and reporting (reporting/);
// service.ts wires them for the engine. Layout, the life of an offer and the API: README.md.
export {
  campaignSchema, campaignSetSchema, campaignTriggerSchema, campaignEligibilitySchema, campaignContentSchema, messageSchema, CAMPAIGN_STATES,
  type Campaign, type CampaignInput, type CampaignSet, type CampaignSetInput, type CampaignContent, type CampaignState, type OfferMessage,
} from './campaigns/campaignSchema.js';
export { parseCampaignSet, validateCampaignSet, EXAMPLE_CAMPAIGNS_URL, type CampaignSetParseResult } from './campaigns/load.js';
export { triggerContext, isBirthday, anniversaryYears, OFFER_FEATURES, CAMPAIGN_FEATURE_NAMES, type OfferCustomer } from './decide/offerContext.js';
export { triggeredCampaigns, type TriggeredCampaign } from './decide/trigger.js';
export { checkEligibility, type EligibilityCustomer, type EligibilityDecision } from './decide/eligibility.js';
export { chooseChannel, type ChannelChoice } from './decide/channel.js';
export { isQuietTime, nextAllowedSendTime } from './decide/quietHours.js';
export { wallClockAt, localDate, type WallClock } from './decide/localTime.js';
export {
  capChecks, evaluateCaps, applyCaps, countInWindow,
  type CapCheck, type CapCounters, type CapDecisionContext, type CapOutcome,
} from './decide/caps.js';
export { CapStore } from './pipeline/capStore.js';
export { holdoutBucket, isInHoldout } from './decide/holdout.js';
export { renderMessage, placeholderFields, type RenderedMessage } from './decide/content.js';
export { decideOffers, type ChosenOffer, type OfferDecision, type OfferDecisionContext } from './decide/arbitrate.js';
export { offerPolicySchema, DEFAULT_OFFER_POLICY, type OfferPolicy, type OfferPolicyInput, type FrequencyCap } from './decide/policy.js';
export {
  SUPPRESSION_REASONS, ELIGIBILITY_REASONS, CAP_REASONS,
  type SuppressionReason, type EligibilityReason, type CapReason, type Suppression,
} from './decide/reasons.js';
export { offerPayload, type Offer, type OfferPayload } from './delivery/offer.js';
export { offerKeys, customerOfferKeys, campaignBudgetKeyPrefix, type OfferKeys } from './keys.js';
export { createOfferMetrics, type OfferMetrics } from './metrics.js';
export {
  ChannelEndpointRegistry, ChannelEndpointNotFoundError, channelEndpointInputSchema, channelEndpointSchema,
  type ChannelEndpoint, type ChannelEndpointInput, type ChannelEndpointWithSecret,
} from './delivery/channelEndpoints.js';
export {
  OfferDelivery, ChannelEndpointError, OfferDeadLetterNotFoundError, deliveryJobId,
  type OfferDeliveryOptions, type OfferJobData, type OfferJobResult, type OfferDeadLetter, type DeliveryOutcome, type DeliveryOutcomeStatus, type StillAllowed,
} from './delivery/offerDelivery.js';
export { offerDeliveryRoutes, type OfferDeliveryRouteDeps } from './delivery/deliveryRoutes.js';
export { upliftOf, wilsonInterval, normalQuantile, type ConversionCounts, type Uplift } from './reporting/uplift.js';
export {
  CampaignRegistry, type StoredCampaign, type CampaignAuditEntry, type CampaignAction, type CampaignRegistryOptions,
} from './campaigns/campaignRegistry.js';
export { campaignRoutes, type CampaignRouteDeps } from './campaigns/campaignRoutes.js';
export { checkCampaignInput, changedFields, type CampaignCheck } from './campaigns/campaignChanges.js';
export {
  InvalidCampaignError, CampaignNotFoundError, CampaignExistsError, StaleCampaignRevisionError, IllegalCampaignStateError, CampaignConflictError,
} from './campaigns/campaignErrors.js';
export { decisionRows, offerIdOf, outcomeOf, type DecisionRecord, type DecisionRow, type DecisionOutcome } from './pipeline/decisionRecord.js';
export { DecisionStore } from './pipeline/decisionStore.js';
export { OfferLog, parseOfferLogEntry, type OfferLogRecord, type OfferLogEntry, type DeliveryRow, type ResponseRow } from './reporting/offerLog.js';
export { OfferArchive } from './reporting/offerArchive.js';
export { offerOutboxRecord, type OfferOutboxRecord, type TriggerCustomer, type TriggerInput } from './decide/offerTriggers.js';
export { OfferDecider, type OfferDeciderDeps, type CampaignSource, type CapLedger, type OfferSender, type FraudReview } from './pipeline/offerDecider.js';
export { OfferFollower } from './pipeline/offerFollower.js';
export { OfferFeed } from './pipeline/offerFeed.js';
export { campaignStats, type CampaignStats, type UpliftStats } from './reporting/stats.js';
export { offerRoutes, type OfferRouteDeps } from './pipeline/offerRoutes.js';
export { createOfferService, type OfferService, type OfferServiceOptions } from './service.js';
export { DeadTriggers, type DeadTrigger } from './pipeline/deadTriggers.js';
export { offerData, type OfferDataDeps } from './customerData.js';
