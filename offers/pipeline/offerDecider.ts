import { MARKETING_CHANNELS } from '../../customers/profile.js';
import type { Logger } from '../../core/observability/index.js';
import { toClickHouseDateTime64 } from '../../aggregates/index.js';
import { decideOffers, mayOfferAt, type ChosenOffer, type OfferDecision } from '../decide/arbitrate.js';
import type { Campaign } from '../campaigns/campaignSchema.js';
import { capChecks, type CapCheck, type CapCounters, type CapOutcome } from '../decide/caps.js';
import { decisionRows, offerIdOf, outcomeOf, type DecisionRecord } from './decisionRecord.js';
import type { DecisionStore } from './decisionStore.js';
import type { OfferMetrics } from '../metrics.js';
import type { Offer } from '../delivery/offer.js';
import type { OfferLog, OfferLogRecord } from '../reporting/offerLog.js';
import type { OfferOutboxRecord, TriggerCustomer } from '../decide/offerTriggers.js';
import type { RiskEvent } from '../../core/events/index.js';
import type { OfferPolicy } from '../decide/policy.js';
import { decisionInstant, type OfferClock } from '../decide/offerClock.js';
import type { Suppression } from '../decide/reasons.js';
import type { TriggeredCampaign } from '../decide/trigger.js';

// Turns committed trigger records into decisions: reads what the pure decision needs (current
// campaigns, open fraud review, cap counters), decides, commits the caps atomically, hands the
// offer to delivery, then logs, records and publishes it. Every step is idempotent on the
// decision id (the event id), so a record decided again after a crash ends the same way: the cap
// store answers the outcome it committed the first time, delivery jobs are keyed by offer id, the
// archive replaces by key and the decision record is overwritten with itself.

/** How often a decision whose chosen campaign lost its slot to a concurrent one tries the next best. */
const COMMIT_ATTEMPTS = 3;

export interface CampaignSource {
  current(): readonly Campaign[];
  revision(): number;
}

export interface CapLedger {
  read(customerId: string, campaignIds: readonly string[], checks: readonly CapCheck[], nowMs: number, excludeDecisionId?: string): Promise<CapCounters>;
  commit(customerId: string, decisionId: string, checks: readonly CapCheck[], nowMs: number): Promise<CapOutcome>;
}

export interface OfferSender {
  enqueue(offers: readonly Offer[]): Promise<void>;
}

export interface FraudReview {
  hasUnresolved(customerId: string, type: 'fraud'): Promise<boolean>;
}

export interface OfferDeciderDeps {
  campaigns: CampaignSource;
  caps: CapLedger;
  sender: OfferSender;
  fraudReview: FraudReview;
  decisions: DecisionStore;
  log: OfferLog;
  /** Publishes the decision on the live feed (at most once; the record is the durable copy). */
  publish(record: DecisionRecord): Promise<void>;
  policy: OfferPolicy;
  /** What a decision is made as of: the wall clock (default), or the event's time for replays of history. */
  clock?: OfferClock;
  metrics?: OfferMetrics;
  logger: Logger;
  now?: () => number;
}

export class OfferDecider {
  private readonly now: () => number;

  constructor(private readonly deps: OfferDeciderDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Decides a partition's records; one customer's in order, different customers concurrently. */
  async handle(records: readonly OfferOutboxRecord[]): Promise<void> {
    const byCustomer = new Map<string, OfferOutboxRecord[]>();
    for (const record of records) {
      const customer = record.event.customer_id;
      byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), record]);
    }
    await Promise.all([...byCustomer.values()].map(async (own) => {
      for (const record of own) {
        if (record.kind === 'trigger') await this.decide(record);
        else await this.respond(record);
      }
    }));
  }

  async decide(record: Extract<OfferOutboxRecord, { kind: 'trigger' }>): Promise<DecisionRecord> {
    const { event, customer } = record;
    const decisionId = event.event_id;
    const done = await this.deps.decisions.get(customer.customerId, decisionId);
    if (done) {
      // Decided before a crash interrupted the drain: only re-offer it (idempotent by job id).
      if (done.offer && !done.offer.holdout) await this.deps.sender.enqueue([done.offer]);
      return done;
    }
    // The instant triggers, quiet hours and caps are judged at; `decidedAt` stays the wall clock.
    const decidedAtMs = this.now();
    const clock = this.deps.clock ?? 'wall';
    const asOfMs = decisionInstant(clock, event, decidedAtMs);
    const byId = new Map(this.deps.campaigns.current().map((c) => [c.id, c]));
    // Current definitions decide: a campaign paused since the trigger is suppressed as not active.
    const triggered: TriggeredCampaign[] = record.fired.flatMap(({ campaignId, because }) => {
      const campaign = byId.get(campaignId);
      return campaign ? [{ campaign, because }] : [];
    });
    // Paused campaigns (and those outside their schedule) are still decided, so marketing sees
    // what they would have done, but as `not_active` before any check: they need no fraud review
    // and no cap counters. A paused campaign that fires on most events otherwise cost two Redis
    // reads per event for an answer known in advance.
    const offerable = triggered.filter(({ campaign }) => mayOfferAt(campaign, asOfMs));
    const needsFraudCheck = offerable.some((t) => t.campaign.eligibility.exclude_open_fraud_alert);
    const openFraudAlert = needsFraudCheck ? await this.deps.fraudReview.hasUnresolved(customer.customerId, 'fraud') : false;
    const possible = offerable.flatMap(({ campaign }) => MARKETING_CHANNELS.flatMap((channel) =>
      capChecks({ customerId: customer.customerId, campaign, channel, nowMs: asOfMs, holdout: false }, this.deps.policy)));
    const context = { event, customer: { ...customer, openFraudAlert } };

    // A concurrent decision may take the chosen campaign's last slot between our read and our
    // commit; then the counters are read again and the next best campaign gets its chance. Each
    // campaign is committed under its own id (<event id>#<campaign id>), so a replay after a crash
    // gets, for whichever campaign it chooses, the answer the cap store gave the first time.
    let decision: OfferDecision | undefined;
    let offer: Offer | undefined;
    const lost: Suppression[] = [];
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS && !offer; attempt++) {
      const counters = offerable.length === 0 ? {} : await this.deps.caps.read(customer.customerId, offerable.map((t) => t.campaign.id), possible, asOfMs, decisionId);
      decision = decideOffers(triggered, context, counters, asOfMs, this.deps.policy);
      const { chosen } = decision;
      if (!chosen) break;
      const commitId = `${decisionId}#${chosen.campaign.id}`;
      const committed = await this.deps.caps.commit(customer.customerId, commitId, chosen.capChecks, chosen.sendAtMs ?? asOfMs);
      if (committed.allowed) {
        offer = offerOf(chosen, customer, decisionId, event, decidedAtMs);
      } else {
        const detail = `${committed.failed.describe}: ${committed.count} already in the window when committing (a concurrent decision took the slot)`;
        lost.push({ campaignId: chosen.campaign.id, reason: committed.failed.reason, detail });
      }
    }
    const lostIds = new Set(lost.map((s) => s.campaignId));
    // The last attempt's reasons, except for campaigns that lost a race: those say so.
    const suppressed: Suppression[] = [...lost, ...(decision?.suppressed ?? []).filter((s) => !lostIds.has(s.campaignId))];
    const notOffered = suppressed.map((s) => `Not offered ${s.campaignId}: ${s.reason} (${s.detail}).`);
    const head = offer
      ? (decision?.explanation ?? []).filter((line) => !line.startsWith('Not offered '))
      : [triggered.length === 0 ? 'No campaign fired on this event.' : 'No offer: every campaign that fired was suppressed.'];
    const asOf = clock === 'events' && triggered.length > 0 ? [`Decided as of the event's time, ${event.occurred_at} (events clock: a replay of history).`] : [];
    const explanation = [...head, ...notOffered, ...asOf];

    const result: DecisionRecord = {
      decisionId,
      customerId: customer.customerId,
      decidedAt: new Date(decidedAtMs).toISOString(),
      event: { eventId: event.event_id, type: event.type, occurredAt: event.occurred_at },
      campaignsRevision: this.deps.campaigns.revision(),
      ...(offer && { offer }),
      suppressed,
      explanation,
      latencyMs: Math.max(0, this.now() - entryTimeMs(record.entryId)),
    };
    if (offer && !offer.holdout) await this.deps.sender.enqueue([offer]);
    await this.deps.log.append([{ kind: 'decision', rows: decisionRows(result) }]);
    await this.deps.decisions.save(result);
    this.count(result);
    await this.deps.publish(result).catch((err: unknown) => this.deps.logger.warn({ err }, 'offer feed publish failed; the decision record has it'));
    return result;
  }

  private async respond(record: Extract<OfferOutboxRecord, { kind: 'response' }>): Promise<void> {
    const { event } = record;
    const row: OfferLogRecord = {
      kind: 'response',
      row: {
        event_id: event.event_id,
        offer_id: event.offer.offer_id,
        campaign_id: event.offer.campaign_id ?? '',
        customer_id: event.customer_id,
        response: event.offer.response,
        at: toClickHouseDateTime64(Date.parse(event.occurred_at)),
      },
    };
    await this.deps.log.append([row]);
    this.deps.metrics?.responses.inc({ response: event.offer.response });
  }

  private count(record: DecisionRecord): void {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    metrics.decisions.inc({ outcome: outcomeOf(record), campaign: record.offer?.campaignId ?? 'none' });
    for (const s of record.suppressed) metrics.suppressions.inc({ reason: s.reason, campaign: s.campaignId });
    metrics.decisionSeconds.observe(record.latencyMs / 1000);
  }
}

function offerOf(chosen: ChosenOffer, customer: TriggerCustomer, decisionId: string, event: RiskEvent, decidedAtMs: number): Offer {
  return {
    offerId: offerIdOf(customer.customerId, decisionId, chosen.campaign.id),
    decisionId,
    customerId: customer.customerId,
    campaignId: chosen.campaign.id,
    campaignName: chosen.campaign.name,
    channel: chosen.channel,
    content: chosen.content,
    holdout: chosen.holdout,
    because: chosen.because,
    decidedAt: new Date(decidedAtMs).toISOString(),
    ...(chosen.sendAtMs !== undefined && { sendAt: new Date(chosen.sendAtMs).toISOString() }),
    triggeringEvent: { eventId: event.event_id, type: event.type, occurredAt: event.occurred_at },
    ...(customer.profile?.relationship_manager !== undefined && chosen.channel === 'rm_task' && { relationshipManager: customer.profile.relationship_manager }),
    ...(customer.profile?.language !== undefined && { language: customer.profile.language }),
  };
}

/** A stream entry id is "<ms>-<seq>": the instant Redis appended the event. */
function entryTimeMs(entryId: string): number {
  const ms = Number(entryId.split('-')[0]);
  return Number.isFinite(ms) ? ms : Date.now();
}
