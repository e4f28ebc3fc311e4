import { z } from 'zod';

/**
 * Settings of the feature engine. The entry point builds this once (from env/files) and passes it
 * down; nothing here reads the environment.
 */
export const featureConfigSchema = z.strictObject({
  /**
   * How far behind the newest event seen for a customer an event may be and still count as
   * merely 'late' (it lands in its right window). Older ones are 'too_late': still recorded where
   * history is kept, but flagged. Also sets how much exact history is kept (1 h + this).
   */
  allowedLatenessMs: z.number().int().min(0).max(7 * 24 * 3_600_000),
  /** Our own bank's id in counterparty.bank; transfers elsewhere count as outflow to other banks. */
  ownBankId: z.string().min(1).max(64),
});

export type FeatureConfig = z.infer<typeof featureConfigSchema>;

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = Object.freeze({
  allowedLatenessMs: 6 * 3_600_000,
  ownBankId: 'VIGIL',
});

export function latenessSeconds(cfg: FeatureConfig): number {
  return Math.floor(cfg.allowedLatenessMs / 1000);
}
