import { closeWithin, type QueueConnections } from '../../core/redis.js';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { VigilError } from '../../core/errors.js';
import type { OutboundPolicy } from '../../core/net/index.js';
import type { Logger } from '../../core/observability/index.js';
import { postSigned } from '../../core/webhooks/signedPost.js';
import type { ChannelEndpointRegistry } from './channelEndpoints.js';
import { customerOfferKeys, type OfferKeys } from '../keys.js';
import type { OfferMetrics } from '../metrics.js';
import { offerPayload, type Offer } from './offer.js';

/** How long a shutdown waits for BullMQ to finish the jobs in hand (they are retried if it gives up). */
const CLOSE_WAIT_MS = 5000;

// Offer delivery to the channel endpoints through BullMQ, one job per offer (job id = offer id),
// so an offer enqueued again after a crash adds nothing. The body is fixed at enqueue time; every
// attempt sends the same bytes with the same Idempotency-Key.
//
// "Never sent twice" rests on the sent marker, not on BullMQ: after a 2xx the worker sets
// `sent:<offer id>` (30 days) before anything else, and every attempt checks it first. A job run
// again after the send (a crash before BullMQ recorded completion, a stalled job, the same offer
// enqueued once its job was removed) completes without sending. The window between the 2xx and
// the marker write is covered by the Idempotency-Key the endpoint deduplicates on.
//
// Consent is checked again just before sending (`checkStillAllowed`): a customer who withdrew it
// or opted out since the decision is not contacted, and that is final, not retried. A job that
// exhausts its attempts stays in BullMQ's failed set, the dead-letter list.

const SENT_MARKER_SECONDS = 30 * 86_400;

export type DeliveryOutcomeStatus = 'delivered' | 'cancelled' | 'dead_lettered';

export interface DeliveryOutcome {
  status: DeliveryOutcomeStatus;
  /** ISO instant the outcome was reached. */
  at: string;
  reason?: string;
  /** Attempts made, this one included. */
  attempts: number;
}

export type StillAllowed = { ok: true } | { ok: false; reason: string };

export interface OfferDeliveryOptions {
  /** Where BullMQ connects (one server or a cluster). */
  queues: QueueConnections;
  /** The deployment's key prefix, for the customers' sent markers. */
  prefix: string;
  keys: Pick<OfferKeys, 'bullPrefix' | 'deliveryQueue'>;
  endpoints: ChannelEndpointRegistry;
  /** Sends the POSTs: checks every connection's address, words failures without addresses. */
  outbound: Pick<OutboundPolicy, 'post'>;
  /** Command connection for the sent markers. */
  redis: Redis;
  log: Logger;
  metrics?: OfferMetrics;
  attempts?: number;
  /** First retry delay; each next one doubles (BullMQ exponential backoff). */
  backoffMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  deadLetterCap?: number;
  now?: () => number;
  /** Asked just before each send: may the customer still be contacted (consent, opt-out)? */
  checkStillAllowed?: (offer: Offer) => Promise<StillAllowed>;
  /** Told the final outcome; at most once per offer (a crash between the marker and this call loses it). */
  onOutcome?: (offer: Offer, outcome: DeliveryOutcome) => Promise<void>;
}

export interface OfferJobData {
  offer: Offer;
  /** JSON of offerPayload, fixed at enqueue. */
  body: string;
}

export type OfferJobResult = { status: 'delivered' | 'duplicate_skipped' } | { status: 'cancelled'; reason: string };

export interface OfferDeadLetter {
  offerId: string;
  campaignId: string;
  channel: Offer['channel'];
  attempts: number;
  error: string;
  failedAt: string | null;
}

/** The channel endpoint answered, but not 2xx; BullMQ retries it. */
export class ChannelEndpointError extends Error {
  constructor(readonly status: number) {
    super(`channel endpoint answered HTTP ${status}`);
    this.name = 'ChannelEndpointError';
  }
}

export class OfferDeadLetterNotFoundError extends VigilError {
  constructor(offerId: string) {
    super('OFFER_DEAD_LETTER_NOT_FOUND', `no dead-lettered delivery for offer ${offerId}`, 404);
  }
}

/**
 * BullMQ refuses integer-looking ids and ids with ':'. Offer ids are meant to be neither; one
 * that is gets a reversible encoding instead of failing the whole batch.
 */
export function deliveryJobId(offerId: string): string {
  const usable = String(Number.parseInt(offerId, 10)) !== offerId && !offerId.includes(':');
  return usable ? offerId : `b64.${Buffer.from(offerId).toString('base64url')}`;
}

export class OfferDelivery {
  readonly queue: Queue<OfferJobData, OfferJobResult>;
  private worker: Worker<OfferJobData, OfferJobResult> | undefined;
  private readonly attempts: number;
  private readonly now: () => number;

  constructor(private readonly opts: OfferDeliveryOptions) {
    this.attempts = opts.attempts ?? 8;
    this.now = opts.now ?? Date.now;
    this.queue = new Queue<OfferJobData, OfferJobResult>(opts.keys.deliveryQueue, { connection: opts.queues.forQueue(), prefix: opts.keys.bullPrefix });
    this.queue.on('error', (err) => opts.log.warn({ err }, 'offer delivery queue connection error'));
  }

  /** One job per offer to send; holdout offers are the control group and never sent. */
  async enqueue(offers: readonly Offer[]): Promise<void> {
    const jobs = [];
    for (const offer of offers) {
      if (offer.holdout) {
        this.opts.log.warn({ offerId: offer.offerId, campaignId: offer.campaignId }, 'holdout offer passed to delivery; not sent');
        continue;
      }
      // An offer held past the customer's quiet hours waits in BullMQ's delayed set until then.
      const delay = offer.sendAt === undefined ? 0 : Math.max(0, Date.parse(offer.sendAt) - this.now());
      jobs.push({
        name: 'offer.send',
        data: { offer, body: JSON.stringify(offerPayload(offer)) },
        opts: {
          jobId: deliveryJobId(offer.offerId),
          ...(delay > 0 && { delay }),
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 2000 },
          removeOnComplete: { age: 7 * 86_400, count: 10_000 },
          removeOnFail: { count: this.opts.deadLetterCap ?? 10_000 },
        },
      });
    }
    if (jobs.length > 0) await this.queue.addBulk(jobs);
  }

  /** Starts the worker that sends the offers (run it in one or more processes). */
  start(): void {
    if (this.worker) return;
    const worker = new Worker<OfferJobData, OfferJobResult>(this.opts.keys.deliveryQueue, (job) => this.process(job), {
      connection: this.opts.queues.forWorker(),
      prefix: this.opts.keys.bullPrefix,
      // Channel endpoints are remote HTTP services: most of a job is waiting, so many run at once.
      concurrency: this.opts.concurrency ?? 50,
    });
    worker.on('error', (err) => this.opts.log.warn({ err }, 'offer delivery worker error'));
    this.worker = worker;
  }

  async stop(): Promise<void> {
    if (this.worker) await closeWithin(this.worker, CLOSE_WAIT_MS, this.opts.log, 'offer delivery worker');
    this.worker = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await closeWithin(this.queue, CLOSE_WAIT_MS, this.opts.log, 'offer delivery queue');
  }

  /** Deliveries that exhausted their attempts, most recent first. */
  async deadLetters(limit = 100): Promise<OfferDeadLetter[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((job) => ({
      offerId: job.data.offer.offerId,
      campaignId: job.data.offer.campaignId,
      channel: job.data.offer.channel,
      attempts: job.attemptsMade,
      error: job.failedReason,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  /** Queues a dead letter again with a fresh set of attempts (e.g. once its endpoint is configured). */
  async retryDeadLetter(offerId: string): Promise<void> {
    const job = await this.queue.getJob(deliveryJobId(offerId));
    if (!job || !(await job.isFailed())) throw new OfferDeadLetterNotFoundError(offerId);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    this.opts.log.info({ offerId, campaignId: job.data.offer.campaignId }, 'offer dead letter queued again');
  }

  private async process(job: Job<OfferJobData, OfferJobResult>): Promise<OfferJobResult> {
    try {
      return await this.attempt(job);
    } catch (error) {
      await this.failed(job, error);
      throw error;
    }
  }

  private async attempt(job: Job<OfferJobData, OfferJobResult>): Promise<OfferJobResult> {
    const { offer } = job.data;
    const sentMarker = customerOfferKeys(this.opts.prefix, offer.customerId).sentPrefix + offer.offerId;
    if ((await this.opts.redis.exists(sentMarker)) === 1) {
      this.count(offer, 'duplicate_skipped');
      this.opts.log.info({ offerId: offer.offerId, deliveryJob: job.id }, 'offer already sent; job completed without sending');
      return { status: 'duplicate_skipped' };
    }
    const allowed = (await this.opts.checkStillAllowed?.(offer)) ?? { ok: true };
    if (!allowed.ok) {
      this.count(offer, 'cancelled');
      this.opts.log.info({ offerId: offer.offerId, campaignId: offer.campaignId, reason: allowed.reason }, 'offer cancelled before sending');
      await this.report(offer, { status: 'cancelled', reason: allowed.reason, attempts: job.attemptsMade + 1 });
      return { status: 'cancelled', reason: allowed.reason };
    }
    await this.send(job);
    const at = new Date(this.now()).toISOString();
    await this.opts.redis.set(sentMarker, at, 'EX', SENT_MARKER_SECONDS);
    this.count(offer, 'delivered');
    await this.report(offer, { status: 'delivered', attempts: job.attemptsMade + 1 }, at);
    return { status: 'delivered' };
  }

  private async send(job: Job<OfferJobData, OfferJobResult>): Promise<void> {
    const { offer, body } = job.data;
    const endpoint = await this.opts.endpoints.get(offer.channel);
    // Retried, not cancelled: the endpoint may be configured before the attempts run out.
    if (!endpoint) throw new Error(`no endpoint is configured for channel ${offer.channel}`);
    const response = await postSigned(this.opts.outbound, {
      url: endpoint.url, secret: endpoint.secret, body, event: 'offer.send', deliveryId: offer.offerId, idempotencyKey: offer.offerId,
      userAgent: 'Vigil-Offers/1', timeoutMs: this.opts.timeoutMs ?? 10_000, nowMs: this.now(), receiver: `the ${offer.channel} endpoint`,
    });
    this.opts.metrics?.deliverySeconds.observe(response.seconds);
    if (response.status < 200 || response.status > 299) throw new ChannelEndpointError(response.status);
  }

  private async failed(job: Job<OfferJobData, OfferJobResult>, error: unknown): Promise<void> {
    const { offer } = job.data;
    const attempts = job.attemptsMade + 1;
    const dead = attempts >= (job.opts.attempts ?? 1);
    const reason = error instanceof Error ? error.message : String(error);
    this.count(offer, dead ? 'dead_lettered' : 'failed');
    const context = { offerId: offer.offerId, campaignId: offer.campaignId, channel: offer.channel, attempt: attempts, err: reason };
    if (!dead) {
      this.opts.log.warn(context, 'offer delivery failed; will retry');
      return;
    }
    this.opts.log.error(context, 'offer delivery gave up; moved to dead letters');
    await this.report(offer, { status: 'dead_lettered', reason, attempts });
  }

  /** The outcome hook runs after the fact is settled; its failure is logged, never retried into a resend. */
  private async report(offer: Offer, outcome: Omit<DeliveryOutcome, 'at'>, at = new Date(this.now()).toISOString()): Promise<void> {
    if (!this.opts.onOutcome) return;
    try {
      await this.opts.onOutcome(offer, { ...outcome, at });
    } catch (err) {
      this.opts.log.error({ err, offerId: offer.offerId, status: outcome.status }, 'offer outcome hook failed; delivery is not repeated');
    }
  }

  private count(offer: Offer, result: 'delivered' | 'failed' | 'dead_lettered' | 'cancelled' | 'duplicate_skipped'): void {
    this.opts.metrics?.deliveries.inc({ channel: offer.channel, result });
  }
}
