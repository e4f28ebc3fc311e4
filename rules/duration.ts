import { z } from 'zod';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};
const PART = /(\d+)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;

/**
 * Milliseconds in a duration written like '30m', '24h', '7d' or '1h30m'; undefined when the text
 * is not one. Units are fixed lengths (a day is 24 h), which is what a suppression window means.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return Number.isSafeInteger(total) ? total : undefined;
}

/** A duration as authored ('24h'), checked at load so a typo never becomes "no suppression". */
export const durationTextSchema = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, {
    message: 'a duration such as "30m", "24h", "7d" or "1h30m" (units ms, s, m, h, d, w)',
  });
