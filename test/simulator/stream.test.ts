import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent, type EventInput } from '../../core/events/index.js';
import { BankSimulator } from '../../simulator/index.js';

const START = new Date('2026-03-02T00:00:00Z');

function drawStream(opts: { customers: number; seed: number; speed: number; rate: number; count: number; start?: Date }): EventInput[] {
  const simulator = new BankSimulator({ customers: opts.customers, seed: opts.seed, speed: opts.speed, rate: opts.rate, start: opts.start ?? START });
  return simulator.next(opts.count);
}

function expectOrderedAndUnique(events: readonly EventInput[]): void {
  const ids = new Set(events.map((event) => event.event_id));
  expect(ids.size).toBe(events.length);
  for (let i = 1; i < events.length; i++) {
    const previous = Date.parse((events[i - 1] as EventInput).occurred_at);
    expect(Date.parse((events[i] as EventInput).occurred_at)).toBeGreaterThanOrEqual(previous);
  }
}

describe('BankSimulator stream', () => {
  const sample = drawStream({ customers: 500, seed: 42, speed: 3600, rate: 200, count: 20_000 });

  it('produces only events that pass the ingest contract (20k events, 500 customers)', () => {
    const failures = sample
      .map((event) => ({ event, result: parseEvent(event) }))
      .filter(({ result }) => !result.ok)
      .slice(0, 3);
    expect(failures).toEqual([]);
  });

  it('hands out unique event ids in non-decreasing occurred_at order', () => {
    expectOrderedAndUnique(sample);
  });

  it('writes occurred_at as RFC 3339 UTC with milliseconds', () => {
    for (const event of sample.slice(0, 500)) expect(event.occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('replays the identical stream from the same seed, however it is drawn in batches', () => {
    const simulator = new BankSimulator({ customers: 300, seed: 7, speed: 3600, start: START });
    const inBatches = [...simulator.next(1000), ...simulator.next(1), ...simulator.next(1999)];
    expect(inBatches).toEqual(drawStream({ customers: 300, seed: 7, speed: 3600, rate: 200, count: 3000 }));
  });

  it('produces a different stream from a different seed', () => {
    const a = drawStream({ customers: 300, seed: 7, speed: 3600, rate: 200, count: 500 });
    const b = drawStream({ customers: 300, seed: 8, speed: 3600, rate: 200, count: 500 });
    expect(a.map((event) => event.customer_id)).not.toEqual(b.map((event) => event.customer_id));
  });

  it('keeps every event valid, ordered and uniquely named for any seed, size, speed, rate and start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.1, max: 1e6, noNaN: true }),
        fc.double({ min: 0.5, max: 10_000, noNaN: true }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true }),
        (seed, customers, speed, rate, start) => {
          const events = drawStream({ customers, seed, speed, rate, start, count: 300 });
          expect(events).toHaveLength(300);
          for (const event of events) expect(parseEvent(event)).toMatchObject({ ok: true });
          expectOrderedAndUnique(events);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects options that cannot describe a bank', () => {
    expect(() => new BankSimulator({ customers: 0, seed: 1 })).toThrow(/customers/);
    expect(() => new BankSimulator({ customers: 10, seed: 1.5 })).toThrow(/seed/);
    expect(() => new BankSimulator({ customers: 10, seed: 1, speed: 0 })).toThrow(/speed/);
    expect(() => new BankSimulator({ customers: 10, seed: 1, rate: -1 })).toThrow(/rate/);
    expect(() => new BankSimulator({ customers: 10, seed: 1 }).next(-1)).toThrow(/n must be/);
  });
});
