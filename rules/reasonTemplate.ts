// A rule's `reason` is a sentence with placeholders: `{features.txn_count_1h}` or `{event.amount}`
// stand for the value seen, `{threshold}` for the threshold of the first comparison that fired,
// `{threshold:features.txn_count_1h}` for the threshold of the comparison on that field.

export type Placeholder =
  | { kind: 'field'; text: string; field: string }
  | { kind: 'threshold'; text: string; field?: string };

const PLACEHOLDER = /\{([^{}]+)\}/g;

export function placeholdersOf(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map(([, inner = '']) => parsePlaceholder(inner.trim()));
}

function parsePlaceholder(text: string): Placeholder {
  if (text === 'threshold') return { kind: 'threshold', text };
  if (text.startsWith('threshold:')) return { kind: 'threshold', text, field: text.slice('threshold:'.length) };
  return { kind: 'field', text, field: text };
}

/** The template with each placeholder replaced by what `valueOf` says it stands for. */
export function fillTemplate(template: string, valueOf: (placeholder: Placeholder) => string): string {
  return template.replace(PLACEHOLDER, (_, inner: string) => valueOf(parsePlaceholder(inner.trim())));
}
