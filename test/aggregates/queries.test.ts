import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TABLES, countEvents, minuteSeries, openAggregateStore, rollupTotals, type AggregateStore } from '../../aggregates/index.js';
import { loginRow, minuteAgo, paymentRow, tempDataDir } from './fixtures.js';

const data = tempDataDir();
let store: AggregateStore;
const m10 = minuteAgo(10);
const m5 = minuteAgo(5);
const m4 = minuteAgo(4);
const at = (minute: Date, seconds: number) => new Date(minute.getTime() + seconds * 1000);

beforeAll(async () => {
  store = await openAggregateStore({ kind: 'embedded', dataDir: data.dir, database: 'vigil_queries' });
  // Two inserts, so the rollup holds unmerged parts for the same keys and readers must sum them.
  await store.insertRows(TABLES.events, [
    paymentRow(at(m10, 1), '100.00', 'EUR'),
    paymentRow(at(m5, 1), '10.50', 'EUR'),
    paymentRow(at(m5, 2), '2000', 'JPY'),
    loginRow(at(m5, 3)),
  ]);
  await store.insertRows(TABLES.events, [paymentRow(at(m5, 4), '0.25', 'EUR'), paymentRow(at(m4, 59), '1.00', 'GBP'), loginRow(at(m4, 0))]);
});

afterAll(async () => {
  await store.close();
  data.remove();
});

describe('aggregate queries', () => {
  it('countEvents counts every row of the events table', async () => {
    expect(await countEvents(store)).toBe(7);
  });

  it('rollupTotals sums events per type and money per currency over the minutes since a time', async () => {
    expect(await rollupTotals(store, { since: m5 })).toEqual([
      { type: 'card_payment', events: 4, amountMinorByCurrency: { EUR: 1075, GBP: 100, JPY: 2000 } },
      { type: 'login', events: 2, amountMinorByCurrency: {} },
    ]);
  });

  it('rollupTotals includes the whole minute that contains `since`', async () => {
    const midMinute = at(m10, 30);
    const totals = await rollupTotals(store, { since: midMinute });
    expect(totals.find((t) => t.type === 'card_payment')?.amountMinorByCurrency.EUR).toBe(11075);
  });

  it('minuteSeries returns events per minute in time order, leaving out empty minutes', async () => {
    expect(await minuteSeries(store, { since: m10 })).toEqual([
      { minute: m10, events: 1 },
      { minute: m5, events: 4 },
      { minute: m4, events: 2 },
    ]);
  });

  it('rollupTotals and minuteSeries return nothing for a window after the last event', async () => {
    const future = new Date(Date.now() + 3_600_000);
    expect(await rollupTotals(store, { since: future })).toEqual([]);
    expect(await minuteSeries(store, { since: future })).toEqual([]);
  });
});
