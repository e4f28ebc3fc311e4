import { describe, expect, it } from 'vitest';
import type { Channel, VigilEvent } from '../../core/events/index.js';
import { segmentCustomer } from '../../customers/index.js';
import { DAY, ev, HOUR, replay, T0 } from '../features/builders.js';

// The preferred-channel tag from real events: the features engine's per-channel counts feed the
// default segmentation config, with nothing hand-set in between.

/** `perChannel` events on each channel, one a day from T0, of a type natural for that channel. */
function month(perChannel: Partial<Record<Channel, number>>): VigilEvent[] {
  const typeOn: Partial<Record<Channel, string>> = {
    mobile_app: 'app_session', web: 'login', branch: 'branch_visit', call_centre: 'call_centre_contact', pos: 'card_payment',
  };
  return Object.entries(perChannel).flatMap(([channel, count]) =>
    Array.from({ length: count }, (_, day) => ev(typeOn[channel as Channel]!, T0 + day * DAY + 9 * HOUR, { channel })));
}

const byTime = (a: VigilEvent, b: VigilEvent) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at);

describe('preferred channel from events', () => {
  it.each([
    ['mostly mobile-app events', { mobile_app: 25, web: 3, branch: 1, pos: 20 }, 'channel:mobile_app', 'prefers mobile app: 25 of 29 contacts in 30 days'],
    ['mostly web events', { web: 12, mobile_app: 2 }, 'channel:web', 'prefers web: 12 of 14 contacts in 30 days'],
    ['mostly branch events', { branch: 4, call_centre: 2, mobile_app: 1 }, 'channel:branch', 'prefers branch: 4 of 7 contacts in 30 days'],
  ] as const)('a customer with %s gets %s with the default config', (_case, perChannel, tag, reason) => {
    const { last } = replay(month(perChannel).sort(byTime));
    const segment = segmentCustomer(last, undefined);
    expect(segment.tags.filter((t) => t.startsWith('channel:'))).toEqual([tag]);
    expect(segment.reasons).toContain(reason);
  });

  it('gives no channel tag to a customer seen only at the till', () => {
    const { last } = replay(month({ pos: 20 }));
    expect(segmentCustomer(last, undefined).tags.filter((t) => t.startsWith('channel:'))).toEqual([]);
  });
});
