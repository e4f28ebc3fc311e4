import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The signature every Vigil webhook carries (alerts to subscribers, offers to channel endpoints),
// so a bank system verifies all of them with one function.

/** A fresh signing secret: 256 random bits, prefixed so a leaked one is recognisable in a scan. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** `X-Vigil-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhook(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${nowSeconds},v1=${hmacHex(secret, nowSeconds, body)}`;
}

export interface VerifyWebhookSignature {
  secret: string;
  /** The X-Vigil-Signature header as received. */
  header: string | undefined;
  /** The raw request body, byte for byte as received: do not re-serialize parsed JSON. */
  body: string | Buffer;
  /** How far the signed time may be from now; older deliveries are refused as replays. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/**
 * For receivers: true only when the header carries a v1 signature of this exact body by this
 * secret, made within the tolerance. Compares in constant time, so timing reveals nothing about
 * how much of a forged signature was right.
 */
export function verifyWebhookSignature(v: VerifyWebhookSignature): boolean {
  if (!v.header) return false;
  const parts = v.header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, value]) => k === 'v1' && value !== undefined).map(([, value]) => value!);
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0) return false;
  const now = v.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (v.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmacHex(v.secret, timestamp, v.body), 'hex');
  // Any matching v1 value passes, so a sender rotating secrets can sign with both the old and the new one.
  return signatures.some((hex) => {
    const presented = Buffer.from(hex, 'hex');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
}
