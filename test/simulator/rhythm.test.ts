import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { BankSimulator, activityIntensity } from '../../simulator/index.js';

const DAY_MS = 86_400_000;
const START = new Date('2026-03-02T00:00:00Z');

/** Draws events until the simulated clock has covered `days`. */
function simulateDays(days: number, opts: { customers: number; seed: number; speed: number; rate: number }): EventInput[] {
  const simulator = new BankSimulator({ ...opts, start: START });
  const end = START.getTime() + days * DAY_MS;
  const events: EventInput[] = [];
  while (simulator.clock.getTime() < end) events.push(...simulator.next(1000));
  return events.filter((event) => Date.parse(event.occurred_at) < end);
}

describe('daily rhythm and simulated clock', () => {
  it('averages an intensity of 1 over a week, so rate means events per second on average', () => {
    let sum = 0;
    for (let hour = 0; hour < 7 * 24; hour++) sum += activityIntensity(START.getTime() + hour * 3_600_000 + 1);
    expect(sum / (7 * 24)).toBeCloseTo(1, 9);
  });

  it('has markedly fewer events in night hours than in day hours (14 simulated days)', () => {
    const events = simulateDays(14, { customers: 500, seed: 11, speed: 34_560, rate: 200 });
    const perHour = new Array<number>(24).fill(0);
    for (const event of events) {
      const hour = new Date(event.occurred_at).getUTCHours();
      perHour[hour] = (perHour[hour] ?? 0) + 1;
    }
    const mean = (hours: number[]) => hours.reduce((sum, hour) => sum + (perHour[hour] ?? 0), 0) / hours.length;
    const night = mean([1, 2, 3, 4]);
    const day = mean([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(night).toBeLessThan(day * 0.15);
    expect(mean([12])).toBeGreaterThan(mean([15]));
  });

  it('credits each customer a salary about once a month over 60 simulated days', () => {
    const events = simulateDays(60, { customers: 500, seed: 5, speed: 34_560, rate: 200 });
    const paydays = new Map<string, number[]>();
    for (const event of events) {
      if (event.type !== 'salary_credit') continue;
      paydays.set(event.customer_id, [...(paydays.get(event.customer_id) ?? []), Date.parse(event.occurred_at)]);
    }
    expect(paydays.size).toBe(500);
    const counts = [...paydays.values()].map((times) => times.length);
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
    expect(mean).toBeGreaterThan(1.8);
    expect(mean).toBeLessThan(2.2);
    for (const times of paydays.values()) {
      expect(times.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThan(25 * DAY_MS);
    }
  });

  it('pays salaries on weekdays only, moving weekend paydays to the Friday before', () => {
    const events = simulateDays(60, { customers: 300, seed: 9, speed: 86_400, rate: 200 });
    const salaryDays = events.filter((event) => event.type === 'salary_credit').map((event) => new Date(event.occurred_at).getUTCDay());
    expect(salaryDays.length).toBeGreaterThan(500);
    expect(salaryDays.filter((day) => day === 0 || day === 6)).toEqual([]);
  });

  it.each([
    ['the quiet of 03:00', '2026-03-04T03:00:00Z'],
    ['the lunchtime peak', '2026-03-04T12:30:00Z'],
  ])('keeps occurred_at at most 5 s ahead of and about a minute behind real time at speed 1 when drawn at the requested rate, from %s', (_, start) => {
    const rate = 50;
    const simulator = new BankSimulator({ customers: 200, seed: 3, speed: 1, rate, start: new Date(start) });
    for (let second = 1; second <= 600; second++) {
      simulator.next(rate);
      const drift = simulator.clock.getTime() - (Date.parse(start) + second * 1000);
      expect(drift).toBeLessThanOrEqual(5_001);
      expect(drift).toBeGreaterThanOrEqual(-61_000);
    }
  });

  it('covers about a simulated day per real second at speed 86400', () => {
    const simulator = new BankSimulator({ customers: 200, seed: 3, speed: 86_400, rate: 200, start: START });
    simulator.next(200 * 7);
    const days = (simulator.clock.getTime() - START.getTime()) / DAY_MS;
    expect(days).toBeGreaterThan(6);
    expect(days).toBeLessThan(8);
  });
});
