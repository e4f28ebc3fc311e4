import { z } from 'zod';

// Free text people type or systems send (merchant names, attributes, campaign content, profile
// fields, comments) ends up in officers' screens, webhooks, e-mails and logs. It must stay text:
// a NUL or another control character breaks logs, CSV exports and downstream parsers, and markup
// such as "<script>" would run in any page that forgets to escape it. So free text is refused,
// with the reason, rather than cleaned silently: the sender learns to send text.

// C0 controls, DEL and C1 controls; tab, line feed and carriage return only where lines are allowed.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// A "<" that opens a tag, closing tag, comment or processing instruction. "a < b" stays allowed.
const MARKUP = /<[A-Za-z/!?]/;

export interface PlainTextOptions {
  max: number;
  min?: number;
  /** Allows tab and line breaks, for bodies and descriptions; names and ids stay on one line. */
  multiline?: boolean;
}

/** Why the text is not plain, or undefined when it is. */
export function plainTextProblem(text: string, opts: { multiline?: boolean } = {}): string | undefined {
  const control = (opts.multiline ? CONTROL_EXCEPT_LINES : CONTROL).exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const allowed = opts.multiline ? ' (only tab and line breaks are allowed)' : '';
    return `must be plain text: control character U+${code} at position ${control.index}${allowed}`;
  }
  const markup = MARKUP.exec(text);
  if (markup) return `must be plain text: markup such as "<script>" is not allowed ("${text.slice(markup.index, markup.index + 12)}" at position ${markup.index})`;
  return undefined;
}

/** The one zod type of free text: bounded, no control characters, no markup. */
export function plainText(opts: PlainTextOptions): z.ZodString {
  let schema = z.string();
  if (opts.min !== undefined) schema = schema.min(opts.min);
  return schema.max(opts.max).superRefine((text, ctx) => {
    const problem = plainTextProblem(text, opts);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
