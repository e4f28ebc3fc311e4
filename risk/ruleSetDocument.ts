import { z } from 'zod';

/** A rule set as a client sends it, to publish (PUT /v1/rules) or to try out (POST /v1/rules/backtests). */
export const ruleSetDocumentSchema = z.strictObject({
  format: z.enum(['yaml', 'json']),
  text: z.string().min(1).max(1_000_000),
});
export type RuleSetDocument = z.infer<typeof ruleSetDocumentSchema>;
