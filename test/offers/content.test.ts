import { describe, expect, it } from 'vitest';
import { renderMessage, triggerContext } from '../../offers/index.js';
import { salaryCredit } from '../rules/fixtures.js';
import { customer, NOON } from './fixtures.js';

const message = { title: 'Hello from {profile.relationship_manager}', body: '{event.amount} arrived; {features.amount_in_30d} this month ({tier}).' };
const contextFor = (language: string | undefined) =>
  triggerContext(salaryCredit('3200.00'), customer({ features: { amount_in_30d: 4250.5 } }, { language }), NOON, 'Europe/Berlin');

describe('renderMessage', () => {
  it.each<[string | undefined, string]>([
    [undefined, '€3,200.00 arrived; 4,250.5 this month (mass).'],
    ['en', '€3,200.00 arrived; 4,250.5 this month (mass).'],
    ['de', '3.200,00 € arrived; 4.250,5 this month (mass).'],
    ['fr', '3 200,00 € arrived; 4 250,5 this month (mass).'],
  ])('writes numbers and money the way a %s reader does', (language, body) => {
    const rendered = renderMessage(message, contextFor(language));
    expect(rendered.ok).toBe(true);
    if (rendered.ok) expect(rendered.message.body.replace(/\s/g, ' ')).toBe(body);
  });

  it('writes the event amount from its decimal text, exactly, in the customer\'s language', () => {
    const ctx = triggerContext(salaryCredit('90071992547409.91'), customer({ features: { amount_in_30d: 1 } }, { language: 'de' }), NOON, 'Europe/Berlin');
    const rendered = renderMessage({ title: 'Salary', body: '{event.amount} arrived' }, ctx);
    expect(rendered.ok && rendered.message.body.replace(/\s/g, ' ')).toBe('90.071.992.547.409,91 € arrived');
  });

  it('refuses to fill a message with a missing value rather than print "unknown"', () => {
    const ctx = triggerContext(salaryCredit(), customer({}, { relationship_manager: undefined }), NOON, 'Europe/Berlin');
    expect(renderMessage(message, ctx)).toEqual({ ok: false, missing: ['profile.relationship_manager', 'features.amount_in_30d'] });
  });
});
