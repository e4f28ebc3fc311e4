import { closeWithin, type QueueConnections } from '../core/redis.js';
import { Queue, Worker, type Job } from 'bullmq';
import type { OutboundPolicy } from '../core/net/index.js';
import type { Logger } from '../core/observability/index.js';
import type { AlertKeys } from './keys.js';
import type { AlertMetrics } from './metrics.js';
import type { OutboxEntry } from './outbox.js';
import { withOverdue, type AlertEventName } from './schema.js';
import { postSigned } from '../core/webhooks/signedPost.js';
import { subscriberWants, type WebhookRegistry } from './webhooks.js';

/** How long a shutdown waits for BullMQ to finish the jobs in hand (they are retried if it gives up). */
const CLOSE_WAIT_MS = 5000;

// Webhook delivery through BullMQ: one job per (alert event × subscriber). The job id is a
// function of the alert, its change number and the subscriber, so an outbox entry consumed twice
// (crash before XACK) enqueues nothing new. The body is fixed at enqueue time so every attempt
// sends the same bytes; only the signature's timestamp changes. A job that exhausts its attempts
// stays in BullMQ's failed set, which is the dead-letter list (capped by `deadLetterCap`).

export interface WebhookDeliveryOptions {
  /** Where BullMQ connects (one server or a cluster). */
  queues: QueueConnections;
  keys: Pick<AlertKeys, 'webhookQueue' | 'bullPrefix'>;
  registry: WebhookRegistry;
  /** Sends the POSTs: checks every connection's address, words failures without addresses. */
  outbound: Pick<OutboundPolicy, 'post'>;
  log: Logger;
  metrics?: AlertMetrics;
  attempts?: number;
  /** First retry delay; each next one doubles (BullMQ exponential backoff). */
  backoffMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  deadLetterCap?: number;
  now?: () => number;
}

export interface WebhookJobData {
  subscriberId: string;
  event: AlertEventName;
  alertId: string;
  body: string;
}

export interface WebhookDeadLetter {
  deliveryId: string;
  subscriberId: string;
  alertId: string;
  event: AlertEventName;
  attempts: number;
  error: string;
  failedAt: string | null;
}

/** A receiver answered, but not 2xx; BullMQ retries it. */
export class WebhookReceiverError extends Error {
  constructor(readonly status: number) {
    super(`receiver answered HTTP ${status}`);
    this.name = 'WebhookReceiverError';
  }
}

export class WebhookDelivery {
  readonly queue: Queue<WebhookJobData>;
  private worker: Worker<WebhookJobData> | undefined;
  private readonly attempts: number;
  private readonly now: () => number;

  constructor(private readonly opts: WebhookDeliveryOptions) {
    this.attempts = opts.attempts ?? 8;
    this.now = opts.now ?? Date.now;
    this.queue = new Queue<WebhookJobData>(opts.keys.webhookQueue, { connection: opts.queues.forQueue(), prefix: opts.keys.bullPrefix });
    this.queue.on('error', (err) => opts.log.warn({ err }, 'webhook queue connection error'));
  }

  /** The outbox handler: enqueues one job per matching subscriber for each alert change. */
  async enqueue(entries: readonly OutboxEntry[]): Promise<void> {
    const jobs = [];
    // Read once per batch: one round trip, not one per alert change.
    const everyone = await this.opts.registry.all();
    for (const entry of entries) {
      const subscribers = everyone.filter((s) => subscriberWants(s, entry.alert.type, entry.alert.severity));
      if (subscribers.length === 0) continue;
      const change = entry.alert.history.length - 1;
      const body = JSON.stringify({ id: entry.id, event: entry.event, alert: withOverdue(entry.alert, this.now()) });
      for (const subscriber of subscribers) {
        jobs.push({
          name: entry.event,
          data: { subscriberId: subscriber.id, event: entry.event, alertId: entry.alert.id, body },
          opts: {
            jobId: `${entry.alert.id}.${change}.${subscriber.id}`,
            attempts: this.attempts,
            backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 2000 },
            removeOnComplete: { age: 7 * 86_400, count: 10_000 },
            removeOnFail: { count: this.opts.deadLetterCap ?? 10_000 },
          },
        });
      }
    }
    if (jobs.length > 0) await this.queue.addBulk(jobs);
  }

  /** Starts the worker that sends the requests (run it in one or more processes). */
  start(): void {
    if (this.worker) return;
    const worker = new Worker<WebhookJobData>(this.opts.keys.webhookQueue, (job) => this.deliver(job), {
      connection: this.opts.queues.forWorker(),
      prefix: this.opts.keys.bullPrefix,
      concurrency: this.opts.concurrency ?? 10,
    });
    worker.on('error', (err) => this.opts.log.warn({ err }, 'webhook worker error'));
    worker.on('failed', (job, err) => {
      if (!job) return;
      const dead = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.opts.metrics?.webhookDeliveries.inc({ result: dead ? 'dead_lettered' : 'failed' });
      const context = { deliveryId: job.id, subscriberId: job.data.subscriberId, attempt: job.attemptsMade, err: err.message };
      if (dead) this.opts.log.error(context, 'webhook delivery gave up; moved to dead letters');
      else this.opts.log.warn(context, 'webhook delivery failed; will retry');
    });
    this.worker = worker;
  }

  async stop(): Promise<void> {
    if (this.worker) await closeWithin(this.worker, CLOSE_WAIT_MS, this.opts.log, 'webhook worker');
    this.worker = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await closeWithin(this.queue, CLOSE_WAIT_MS, this.opts.log, 'webhook queue');
  }

  /** Deliveries that exhausted their attempts, most recent first. */
  async deadLetters(limit = 100): Promise<WebhookDeadLetter[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((job) => ({
      deliveryId: String(job.id),
      subscriberId: job.data.subscriberId,
      alertId: job.data.alertId,
      event: job.data.event,
      attempts: job.attemptsMade,
      error: job.failedReason,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  private async deliver(job: Job<WebhookJobData>): Promise<void> {
    const subscriber = await this.opts.registry.get(job.data.subscriberId);
    // Unsubscribed since the job was queued: nobody to deliver to, which is not a failure.
    if (!subscriber) return;
    const response = await postSigned(this.opts.outbound, {
      url: subscriber.url, secret: subscriber.secret, body: job.data.body, event: job.data.event, deliveryId: String(job.id),
      userAgent: 'Vigil-Webhooks/1', timeoutMs: this.opts.timeoutMs ?? 10_000, nowMs: this.now(), receiver: 'the receiver',
    });
    this.opts.metrics?.webhookSeconds.observe(response.seconds);
    if (response.status < 200 || response.status > 299) throw new WebhookReceiverError(response.status);
    this.opts.metrics?.webhookDeliveries.inc({ result: 'delivered' });
  }
}
