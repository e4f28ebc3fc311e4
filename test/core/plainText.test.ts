import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainText, plainTextProblem } from '../../core/plainText.js';

describe('plain text', () => {
  const refused: [string, string, RegExp][] = [
    ['NUL', 'abc\u0000', /control character U\+0000 at position 3/],
    ['escape', '\u001b[31mred', /U\+001B/],
    ['DEL', 'a\u007f', /U\+007F/],
    ['a C1 control (NEL)', 'a\u0085b', /U\+0085/],
    ['a line break in a name', 'a\nb', /U\+000A/],
    ['a script tag', '<script>alert(1)</script>', /markup such as "<script>"/],
    ['a closing tag', 'hello</p>', /markup/],
    ['an HTML comment', 'x<!-- y -->', /markup/],
    ['an unclosed tag', 'x<img src=x onerror=alert(1)', /markup/],
  ];
  it.each(refused)('refuses %s with a message saying what is wrong', (_name, text, message) => {
    expect(plainTextProblem(text)).toMatch(message);
    expect(plainText({ max: 100 }).safeParse(text).success).toBe(false);
  });

  it('allows tab and line breaks only where lines are allowed (bodies, descriptions)', () => {
    expect(plainTextProblem('Dear customer,\n\n\tthanks\r\n', { multiline: true })).toBeUndefined();
    expect(plainTextProblem('a\u0000b', { multiline: true })).toMatch(/U\+0000.*only tab and line breaks/);
    expect(plainTextProblem('Dear customer,\nthanks')).toMatch(/U\+000A/);
  });

  it('accepts any printable text without a tag opener, in any script', () => {
    const printable = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s) && !/<[A-Za-z/!?]/.test(s));
    fc.assert(fc.property(printable, (text) => plainTextProblem(text) === undefined));
    expect(plainTextProblem('Fish & Chips < £5 > tea, "Müller" 北京')).toBeUndefined();
  });

  it('keeps the length bounds of the field', () => {
    expect(plainText({ min: 1, max: 3 }).safeParse('').success).toBe(false);
    expect(plainText({ min: 1, max: 3 }).safeParse('abcd').success).toBe(false);
    expect(plainText({ min: 1, max: 3 }).safeParse('abc').success).toBe(true);
  });
});
