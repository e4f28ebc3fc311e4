import type { StreamMeta } from '../simulator/scenarios/index.js';
import type { EvaluationResult } from './evaluate.js';
import type { CustomerShare, TypologyResult } from './metrics.js';

// The evaluation as text for a terminal: one table per question, every rate with its counts.

export function formatReport(result: Omit<EvaluationResult, 'workspace'>, meta: StreamMeta, labelled: { fraud: number; churn: number; credit: number }): string {
  const { detection: d, cost } = result;
  const warmupDays = Math.round((Date.parse(meta.measure_from) - Date.parse(meta.start)) / 86_400_000);
  const lines = [
    `Vigil detection evaluation: seed ${meta.seed}, ${meta.customers} customers, ${meta.days} days (${day(meta.start)} → ${day(meta.end)}), default rule pack`,
    'Scored on the alert queue (medium and above); advisory low alerts are summed up apart.',
    `${meta.events.toLocaleString('en-GB')} events; ${labelled.fraud} fraud customers, ${labelled.churn} churners, ${labelled.credit} in credit trouble, ${d.genuineCustomers} genuine; `
      + `alerts scored from ${day(meta.measure_from)} (first ${warmupDays} days are warm-up: the engine starts with no history)`,
    '',
    table(
      ['fraud typology', 'n', 'recall', '95% CI', 'own rule', 'rule precision', 'min to alert (median / p90)'],
      d.fraud.map((r) => [...typologyCells(r), r.minutesToAlert ? `${num(r.minutesToAlert.median, 1)} / ${num(r.minutesToAlert.p90, 1)}` : '–']),
    ),
    '',
    table(
      ['churn pattern', 'n', 'recall', '95% CI', 'own rule', 'rule precision', 'lead days (median / p10)'],
      d.churn.map((r) => [...typologyCells(r), r.leadDays ? `${num(r.leadDays.median, 1)} / ${num(r.leadDays.p10, 1)}` : '–']),
    ),
    '',
    table(
      ['credit pattern', 'n', 'recall', '95% CI', 'own rule', 'rule precision', 'days to alert (median / p90)'],
      d.credit.map((r) => [...typologyCells(r), r.daysToAlert ? `${num(r.daysToAlert.median, 1)} / ${num(r.daysToAlert.p90, 1)}` : '–']),
    ),
    '',
    `genuine customers alerted   fraud ${shareText(d.genuineFraudAlerted)}   churn ${shareText(d.genuineChurnAlerted)}   credit ${shareText(d.genuineCreditAlerted)}`,
    `customer-level precision    fraud ${shareText(d.fraudPrecision)}   churn ${shareText(d.churnPrecision)}   credit ${shareText(d.creditPrecision)}   (alerted customers who carry a label of that kind)`,
    ...advisoryLines(result),
    ...inlineLines(result),
    '',
    table(
      ['rule', 'alerts', 'on its typology', 'on other labelled', 'on genuine'],
      d.rules.map((r) => [r.ruleId, String(r.alerts), String(r.onIntended), String(r.onOtherLabelled), String(r.onGenuine)]),
    ),
    '',
    table(
      ['genuine noise', 'looks like', 'episodes', 'alerted (fraud 16 d, credit and churn 45 d)', 'rules'],
      result.noise.map((n) => [n.kind, n.alertType, String(n.episodes), shareText({ alerted: n.withAlert, of: n.episodes, share: n.episodes ? n.withAlert / n.episodes : null }),
        Object.entries(n.rules).map(([rule, count]) => `${rule} ${count}`).join(', ') || '–']),
      [1, 4],
    ),
    '',
    `processing: ${cost.events.toLocaleString('en-GB')} events in ${num(cost.seconds, 1)} s end to end = ${Math.round(cost.eventsPerSecond).toLocaleString('en-GB')} events/s `
      + `(rule pack on; api + worker + alerts in one process with the poster); ${cost.alerts} alerts, ${d.alertsBeforeMeasurement} of them in the warm-up`,
  ];
  return lines.join('\n');
}

/** What advisory (low) alerts add when counted too: they stay out of the queue, so the tables leave them out. */
function advisoryLines(result: Omit<EvaluationResult, 'workspace'>): string[] {
  const a = result.withAdvisory;
  const d = result.detection;
  const recall = [...a.fraud, ...a.churn, ...a.credit]
    .filter((r, i) => r.recall !== [...d.fraud, ...d.churn, ...d.credit][i]!.recall)
    .map((r) => `${r.typology} ${num(r.recall ?? 0, 2)}`);
  return [
    `with advisory (low) alerts  fraud ${shareText(a.genuineFraudAlerted)} of genuine alerted, precision ${shareText(a.fraudPrecision)}`
      + `; recall ${recall.length ? recall.join(', ') : 'unchanged'}`,
  ];
}

function typologyCells(r: TypologyResult): string[] {
  const interval = r.recallInterval ? `${num(r.recallInterval[0], 2)}–${num(r.recallInterval[1], 2)}` : '–';
  const ownRule = r.customers ? num(r.detectedByOwnRules / r.customers, 2) : '–';
  const precision = r.precision === null ? '– (0 alerts)' : `${num(r.precision, 2)} (${r.ruleAlertsOnTypology}/${r.ruleAlerts})`;
  return [r.typology, String(r.customers), r.recall === null ? '–' : num(r.recall, 2), interval, ownRule, precision];
}

function shareText(s: CustomerShare): string {
  return s.share === null ? '– (0/0)' : `${num(s.share * 100, 1)}% (${s.alerted}/${s.of})`;
}

/** Names (the first column) and free text (`textColumns`) align left, figures right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], textColumns: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const left = (i: number) => i === 0 || textColumns.includes(i);
  const line = (cells: readonly string[]) => cells.map((cell, i) => (left(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function num(value: number, digits: number): string {
  return value.toFixed(digits);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The rules' in-line decisions had every payment been asked about before it executed. */
function inlineLines(result: Omit<EvaluationResult, 'workspace'>): string[] {
  const inline = result.inline;
  if (!inline) return [];
  const payments = inline.genuinePayments;
  const total = payments.approve + payments.review + payments.challenge + payments.decline;
  const perMille = (n: number) => (total > 0 ? `${num((1000 * n) / total, 2)}‰` : '–');
  const rate = (n: number, of: number) => `${of > 0 ? num(n / of, 2) : '–'} (${n}/${of})`;
  return [
    '',
    'in-line decisions, had every payment been asked about before it executed (POST /v1/decisions; the same assessment):',
    table(
      ['fraud typology', 'n', 'challenged or declined (first bad event to 7 d)', 'declined'],
      inline.fraud.map((r) => [r.typology, String(r.customers), rate(r.stopped, r.customers), rate(r.declined, r.customers)]),
    ),
    `genuine payments  ${total.toLocaleString('en-GB')}: review ${perMille(payments.review)}, challenge ${perMille(payments.challenge)}, decline ${perMille(payments.decline)}; `
      + `genuine customers challenged or declined ${shareText(inline.genuineChallenged)}, declined ${shareText(inline.genuineDeclined)}`,
  ];
}
