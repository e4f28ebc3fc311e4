import { minorUnitDigits } from '../../core/events/index.js';
import { resolveField, type RuleContext } from '../../rules/index.js';
import type { OfferMessage } from '../campaigns/campaignSchema.js';

// Message templates use the rules' field paths as placeholders ("{event.amount}",
// "{profile.relationship_manager}"), checked at load like a rule's reason. Values are written in
// the customer's language when the profile has one. A message with a placeholder that has no
// value is not sent at all: "Dear unknown" costs more trust than the offer can earn.

const PLACEHOLDER = /\{([^{}]+)\}/g;
const DEFAULT_LOCALE = 'en-GB';

export type RenderedMessage = { ok: true; message: OfferMessage } | { ok: false; missing: string[] };

/** The field paths named by a template's placeholders, in order of appearance. */
export function placeholderFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map(([, inner = '']) => inner.trim());
}

/** The message with every placeholder filled in, or the placeholders that had no value. */
export function renderMessage(message: OfferMessage, ctx: RuleContext): RenderedMessage {
  const locale = localeOf(ctx.profile?.language);
  const missing: string[] = [];
  const fill = (template: string): string =>
    template.replace(PLACEHOLDER, (whole, inner: string) => {
      const field = inner.trim();
      const text = formatValue(field, resolveField(field, ctx), ctx, locale);
      if (text === undefined) missing.push(field);
      return text ?? whole;
    });
  const rendered = { title: fill(message.title), body: fill(message.body) };
  return missing.length > 0 ? { ok: false, missing: [...new Set(missing)] } : { ok: true, message: rendered };
}

function formatValue(field: string, value: unknown, ctx: RuleContext, locale: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (field === 'event.amount' && 'amount' in ctx.event) {
    const digits = minorUnitDigits(ctx.event.currency);
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: ctx.event.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    // The event's decimal text, not the float the rules compare: Node's Intl formats a decimal
    // string exactly (ECMA-402 NumberFormat v3), so 90071992547409.91 is not written …409.90.
    // The ES2022 typings know only number and bigint.
    return (money.format as unknown as (decimal: string) => string)(ctx.event.amount);
  }
  if (typeof value === 'number') return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  if (Array.isArray(value)) return value.length > 0 ? value.map(String).join(', ') : undefined;
  if (typeof value === 'object') return undefined;
  return String(value);
}

/** The profile's language if the runtime can format in it, else the bank's default. */
function localeOf(language: string | undefined): string {
  if (language === undefined) return DEFAULT_LOCALE;
  try {
    return Intl.NumberFormat.supportedLocalesOf([language]).length > 0 ? language : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}
