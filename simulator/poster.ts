import { setTimeout as sleep } from 'node:timers/promises';
import type { EventInput } from '../core/events/index.js';
import { ingestResultSchema, type IngestResult } from '../ingest/schemas.js';

export interface PostEventsOptions {
  url: string;
  apiKey: string;
  events: EventInput[];
  /** Further attempts after the first, on 503/429 or a network failure; default 5. */
  maxRetries?: number;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Aborts waiting and sending; the batch is then reported as failed by a thrown error. */
  signal?: AbortSignal;
}

export interface PostEventsResult {
  status: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The server's reason per rejected event, by position in the batch. */
  rejections: IngestResult['rejected'];
  /** Set when the last answer asked us to come back later (503/429). */
  retryAfterSec?: number;
  /** Attempts beyond the first. */
  retries: number;
  /** The server's message for a non-202 answer. A 400/409 whose events were all refused also carries the counts and rejections. */
  message?: string;
}

/** The ingest API could not be reached at all, even after retries. */
export class IngestUnreachableError extends Error {
  override readonly name = 'IngestUnreachableError';
  readonly code = 'INGEST_UNREACHABLE';
}

const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Ingest asks for 1–30 s; anything longer is treated as 60 s so a run stays bounded. */
const MAX_RETRY_AFTER_SEC = 60;
const RETRYABLE = new Set([429, 503]);

/**
 * Posts one batch to `${url}/v1/events`. Load shedding (503 with Retry-After) is honoured by
 * waiting and resending the same batch, so event ids stay the same and dedup keeps a resend that
 * did land from counting twice. After the retries run out the last answer is returned, never
 * swallowed.
 */
export async function postEvents(opts: PostEventsOptions): Promise<PostEventsResult> {
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const body = JSON.stringify({ events: opts.events });
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < maxRetries;
    let response: Response;
    try {
      response = await send(opts, body);
    } catch (error) {
      if (opts.signal?.aborted || !canRetry) throw unreachable(opts.url, attempt, error);
      await sleep(backoffMs(attempt), undefined, { signal: opts.signal });
      continue;
    }
    if (RETRYABLE.has(response.status)) {
      const retryAfterSec = retryAfterSeconds(response.headers.get('retry-after'));
      await response.body?.cancel();
      if (!canRetry) return { ...emptyCounts(response.status, attempt), retryAfterSec };
      await sleep(retryAfterSec * 1000, undefined, { signal: opts.signal });
      continue;
    }
    return readAnswer(response, attempt);
  }
}

function send(opts: PostEventsOptions, body: string): Promise<Response> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return fetch(`${opts.url.replace(/\/+$/, '')}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
    body,
    signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
  });
}

// Events answered one by one: 202, or 400/409 when none of them was accepted (the body then
// carries the same counts and rejections, beside the error code and message).
const EVENT_ANSWERS = new Set([202, 400, 409]);

async function readAnswer(response: Response, retries: number): Promise<PostEventsResult> {
  const text = await response.text();
  const json = safeJson(text);
  const parsed = EVENT_ANSWERS.has(response.status) ? ingestResultSchema.safeParse(json) : undefined;
  if (!parsed?.success) {
    if (response.status === 202) return { ...emptyCounts(response.status, retries), message: `unexpected 202 body: ${text.slice(0, 200)}` };
    return { ...emptyCounts(response.status, retries), message: messageOf(text) };
  }
  const { accepted, duplicates, rejected } = parsed.data;
  const message = response.status === 202 ? undefined : messageOf(text);
  return { status: response.status, accepted, duplicates, rejected: rejected.length, rejections: rejected, retries, ...(message ? { message } : {}) };
}

function emptyCounts(status: number, retries: number): PostEventsResult {
  return { status, accepted: 0, duplicates: 0, rejected: 0, rejections: [], retries };
}

/** Retry-After is either delay-seconds or an HTTP date; a missing or odd value means 1 s. */
export function retryAfterSeconds(header: string | null, nowMs = Date.now()): number {
  if (header === null || header.trim() === '') return 1;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : (Date.parse(header) - nowMs) / 1000;
  if (!Number.isFinite(seconds)) return 1;
  return Math.min(MAX_RETRY_AFTER_SEC, Math.max(0, Math.ceil(seconds)));
}

/** 0.5 s, 1 s, 2 s … capped at 10 s: enough for a restarting server, short enough for a demo. */
function backoffMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** attempt);
}

function unreachable(url: string, attempt: number, cause: unknown): IngestUnreachableError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new IngestUnreachableError(`could not reach ${url} after ${attempt + 1} attempt(s): ${reason}`, { cause });
}

function messageOf(text: string): string {
  const json = safeJson(text);
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message;
  return text.slice(0, 200);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
