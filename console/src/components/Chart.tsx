import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, FunnelChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, CustomChart, FunnelChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * An ECharts picture with its words: `summary` is read by screen readers (role img) and shown under
 * the chart, and `table` (the same numbers) sits in a disclosure for anyone who prefers to read.
 */
export function Chart({ option, summary, height = 280, table, testId }: {
  option: ChartOption; summary: string; height?: number; table?: { head: string[]; rows: (string | number)[][] }; testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return undefined;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption({ aria: { enabled: false }, animation: false, ...option });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return (
    <figure className="chart">
      <div ref={ref} role="img" aria-label={summary} style={{ height }} data-testid={testId} />
      <figcaption>{summary}</figcaption>
      {table && (
        <details>
          <summary>Show the numbers</summary>
          <table>
            <thead><tr>{table.head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
            <tbody>{table.rows.map((row, i) => <tr key={i}>{row.map((cell, j) => <td key={j}>{cell}</td>)}</tr>)}</tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
