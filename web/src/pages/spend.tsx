/**
 * Spend (admins): cost per user, team, key, model or claim value (`claim/department`) over a range of days, as a
 * bar chart and a table, with a CSV export made in the browser from the same rows.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import * as api from '../api/endpoints.js';
import type { SpendReport } from '../api/types.js';
import { Chart, COLORS } from '../components/chart.js';
import { Empty, Loaded } from '../components/states.js';
import { toCsv } from '../lib/csv.js';
import { count, usd, usdAxis } from '../lib/format.js';
import { dayKey, periodStart } from '../lib/periods.js';
import { useResource } from '../lib/use-resource.js';

const GROUPS = ['user', 'team', 'key', 'model'] as const;
type Group = (typeof GROUPS)[number] | 'claim';

interface SpendQuery {
  groupBy: string;
  from: string;
  to: string;
}

/** Bars in the chart: the biggest spenders; the table and the CSV keep every row. */
const CHART_ROWS = 20;

export function SpendPage() {
  const now = new Date();
  const [group, setGroup] = useState<Group>('user');
  const [claim, setClaim] = useState('department');
  const [from, setFrom] = useState(periodStart('month', now));
  const [to, setTo] = useState(dayKey(now));
  const [query, setQuery] = useState<SpendQuery>({ groupBy: 'user', from, to });
  const report = useResource(() => api.spend(query.groupBy, query.from, query.to), [query.groupBy, query.from, query.to]);
  const submit = (event: Event) => {
    event.preventDefault();
    setQuery({ groupBy: group === 'claim' ? `claim/${claim.trim()}` : group, from, to });
  };
  return (
    <>
      <header class="page-header">
        <h1>Spend</h1>
        <p class="hint">Days are counted in UTC; both ends of the range are included.</p>
      </header>
      <form class="inline-form" onSubmit={submit}>
        <label>
          Group by
          <select name="group-by" value={group} onChange={(event) => setGroup(event.currentTarget.value as Group)}>
            {GROUPS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
            <option value="claim">a claim…</option>
          </select>
        </label>
        {group === 'claim' && (
          <label>
            Claim path
            <input name="claim-path" required value={claim} onInput={(event) => setClaim(event.currentTarget.value)} placeholder="department" />
          </label>
        )}
        <label>
          From
          <input type="date" name="from" required value={from} max={to} onInput={(event) => setFrom(event.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="date" name="to" required value={to} min={from} onInput={(event) => setTo(event.currentTarget.value)} />
        </label>
        <button type="submit">Show spend</button>
      </form>
      <Loaded resource={report} what="spend">
        {(data) => (data.data.length === 0 ? <Empty>No spend recorded for {data.group_by} between {data.from} and {data.to}.</Empty> : <SpendView report={data} />)}
      </Loaded>
    </>
  );
}

function SpendView({ report }: { report: SpendReport }) {
  const total = report.data.reduce((sum, row) => sum + row.cost_usd, 0);
  const chart = useMemo(() => barChart(report), [report]);
  const csvUrl = useBlobUrl(useMemo(() => csvOf(report), [report]), 'text/csv;charset=utf-8');
  return (
    <>
      <Chart title={`Spend by ${report.group_by}, ${report.from} to ${report.to}`} summary={`${usd(total)} across ${report.data.length} values`} options={chart.options} data={chart.data} height={260} />
      <div class="table-actions">
        <p>
          {count(report.data.length)} rows, {usd(total)} in total.
        </p>
        {csvUrl && (
          <a class="button" href={csvUrl} download={`gatehouse-spend-${report.group_by.replaceAll('/', '-')}-${report.from}-${report.to}.csv`}>
            Export CSV
          </a>
        )}
      </div>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Spend by {report.group_by}</caption>
          <thead>
            <tr>
              <th scope="col">{report.group_by}</th>
              <th scope="col" class="num">Requests</th>
              <th scope="col" class="num">Input tokens</th>
              <th scope="col" class="num">Output tokens</th>
              <th scope="col" class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {report.data.map((row) => (
              <tr key={row.value}>
                <td class="wrap">{row.value}</td>
                <td class="num">{count(row.requests)}</td>
                <td class="num">{count(row.input_tokens)}</td>
                <td class="num">{count(row.output_tokens)}</td>
                <td class="num">{usd(row.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function csvOf(report: SpendReport): string {
  return toCsv(
    [report.group_by, 'requests', 'input_tokens', 'output_tokens', 'cost_usd'],
    report.data.map((row) => [row.value, row.requests, row.input_tokens, row.output_tokens, row.cost_usd]),
  );
}

/** An object URL for `text`, released when the text changes or the page closes. */
function useBlobUrl(text: string, type: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const created = URL.createObjectURL(new Blob([text], { type }));
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [text, type]);
  return url;
}

/** Bars on an index axis, labelled with the values they stand for. */
function barChart(report: SpendReport) {
  const rows = report.data.slice(0, CHART_ROWS);
  const labels = rows.map((row) => (row.value.length > 14 ? `${row.value.slice(0, 13)}…` : row.value));
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    scales: { x: { time: false, range: () => [-0.5, rows.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 0.01] } },
    legend: { show: false },
    cursor: { points: { show: false } },
    series: [
      { label: report.group_by },
      { label: 'Cost', fill: `${COLORS[0]}cc`, stroke: COLORS[0], paths: uPlot.paths.bars!({ size: [0.6, 64] }), points: { show: false }, value: (_u, v) => (v === null ? '—' : usd(v)) },
    ],
    axes: [
      { splits: () => rows.map((_row, index) => index), values: (_u, splits) => splits.map((index) => labels[index] ?? ''), gap: 6 },
      { size: 80, values: (_u, splits) => splits.map((v) => usdAxis(v)) },
    ],
  };
  const data: uPlot.AlignedData = [rows.map((_row, index) => index), rows.map((row) => row.cost_usd)];
  return { options, data };
}
