import type { OutboundPolicy } from '../net/index.js';
import { signWebhook } from './signature.js';

// The one signed request every Vigil delivery sends (alert webhooks to subscribers, offers to
// channel endpoints): the same headers, signature, deadline and failure wording, so a bank system
// receives and verifies both alike. What a status means (retry, dead letter) is the caller's.

export interface SignedDelivery {
  url: string;
  secret: string;
  /** The exact bytes signed and sent. */
  body: string;
  /** `X-Vigil-Event`: what the body is (`alert.raised`, `offer.send`, …). */
  event: string;
  /** `X-Vigil-Delivery`: the same on every retry of one delivery, so receivers drop repeats. */
  deliveryId: string;
  userAgent: string;
  /** Also sent as `Idempotency-Key`, for receivers that key on that header. */
  idempotencyKey?: string;
  timeoutMs: number;
  nowMs: number;
  /** Names the receiver in a failure message ("the receiver", "the push endpoint"). */
  receiver: string;
}

/**
 * POSTs once (no redirect is followed: the signed body goes only to the registered URL). Answers
 * the status and how long the request took; a request that got no answer throws an Error that
 * names the receiver and never its address.
 */
export async function postSigned(outbound: Pick<OutboundPolicy, 'post'>, d: SignedDelivery): Promise<{ status: number; seconds: number }> {
  const started = performance.now();
  const response = await outbound.post(d.url, {
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': d.userAgent,
      'X-Vigil-Event': d.event,
      'X-Vigil-Delivery': d.deliveryId,
      ...(d.idempotencyKey !== undefined && { 'Idempotency-Key': d.idempotencyKey }),
      'X-Vigil-Signature': signWebhook(d.secret, d.body, Math.floor(d.nowMs / 1000)),
    },
    body: d.body,
    timeoutMs: d.timeoutMs,
  }).catch((error: unknown) => {
    throw new Error(`request to ${d.receiver} failed: ${error instanceof Error ? error.message : 'request failed'}`);
  });
  return { status: response.status, seconds: (performance.now() - started) / 1000 };
}
