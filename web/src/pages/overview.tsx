/**
 * Overview: requests, errors, spend and latency (gateway overhead against upstream, p50 and p95) over the last
 * 24 hours, 7 days or 30 days, with the top users, teams and models. Admins see all traffic; anyone else sees
 * their own requests only (the server decides which, by endpoint).
 */
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import * as api from '../api/endpoints.js';
import type { Me, Usage, UsageTopRow, UsageWindow } from '../api/types.js';
import { Chart, COLORS, line } from '../components/chart.js';
import { Empty, Loaded } from '../components/states.js';
import { count, ms, percent, usd, usdAxis } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';

const WINDOWS: ReadonlyArray<{ value: UsageWindow; label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export function OverviewPage({ me }: { me: Me }) {
  const [span, setSpan] = useState<UsageWindow>('24h');
  const scope = me.admin ? 'all' : 'own';
  const usage = useResource(() => api.usage(span, scope), [span, scope]);
  return (
    <>
      <header class="page-header">
        <h1>Overview</h1>
        <p class="hint">{me.admin ? 'All traffic through this gateway.' : 'Your own requests through this gateway.'}</p>
        <fieldset class="segmented">
          <legend class="visually-hidden">Time window</legend>
          {WINDOWS.map((option) => (
            <label key={option.value}>
              <input type="radio" name="window" value={option.value} checked={span === option.value} onChange={() => setSpan(option.value)} />
              {option.label}
            </label>
          ))}
        </fieldset>{' '}
        <button type="button" class="secondary" onClick={usage.reload}>
          Refresh
        </button>
      </header>
      <Loaded resource={usage} what="usage">
        {(data) => <UsageView usage={data} admin={me.admin} />}
      </Loaded>
    </>
  );
}

function UsageView({ usage, admin }: { usage: Usage; admin: boolean }) {
  const { totals } = usage;
  const charts = useMemo(() => chartsOf(usage), [usage]);
  return (
    <>
      <section class="stats" aria-label="Totals">
        <Stat label="Requests" value={count(totals.requests)} />
        <Stat label="Errors" value={`${count(totals.errors)}${totals.requests > 0 ? ` (${percent(totals.errors / totals.requests)})` : ''}`} />
        <Stat label="Spend" value={usd(totals.cost_usd)} />
        <Stat label="Tokens in / out" value={`${count(totals.input_tokens)} / ${count(totals.output_tokens)}`} />
        <Stat label="Gateway overhead p50 / p95" value={`${ms(totals.overhead_p50_ms)} / ${ms(totals.overhead_p95_ms)}`} />
        <Stat label="Upstream latency p50 / p95" value={`${ms(totals.upstream_p50_ms)} / ${ms(totals.upstream_p95_ms)}`} />
      </section>
      {totals.requests === 0 ? (
        <Empty>No requests in this window yet.</Empty>
      ) : (
        <div class="charts">
          <Chart title="Requests and errors" summary={`${count(totals.requests)} requests, ${count(totals.errors)} errors`} options={charts.requests} data={charts.requestData} />
          <Chart title="Spend" summary={`${usd(totals.cost_usd)} in total`} options={charts.spend} data={charts.spendData} />
          <Chart
            title="Latency: gateway overhead vs upstream"
            summary={`overhead p50 ${ms(totals.overhead_p50_ms)}, p95 ${ms(totals.overhead_p95_ms)}; upstream p50 ${ms(totals.upstream_p50_ms)}, p95 ${ms(totals.upstream_p95_ms)}`}
            options={charts.latency}
            data={charts.latencyData}
          />
        </div>
      )}
      <div class="tops">
        <TopTable title={admin ? 'Top users' : 'You'} rows={usage.top.users} />
        <TopTable title="Top teams" rows={usage.top.teams} />
        <TopTable title="Top models" rows={usage.top.models} />
      </div>
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div class="stat">
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
    </div>
  );
}

function TopTable({ title, rows }: { title: string; rows: UsageTopRow[] }) {
  return (
    <table class="top">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" class="num">Requests</th>
          <th scope="col" class="num">Spend</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={3} class="empty-cell">
              None in this window
            </td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr key={row.value}>
              <td class="wrap">{row.value}</td>
              <td class="num">{count(row.requests)}</td>
              <td class="num">{usd(row.cost_usd)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

function chartsOf(usage: Usage) {
  const x = usage.series.map((point) => Date.parse(point.t) / 1000);
  const column = (pick: (point: Usage['series'][number]) => number | null) => usage.series.map(pick);
  // Legends list the series only (no live values under the cursor): the tables below hold the numbers.
  const utc = { tzDate: (seconds: number) => utcAsLocal(seconds), legend: { live: false } };
  const requests: ChartOptions = {
    ...utc,
    series: [{}, line('Requests', COLORS[0], (v) => (v === null ? '—' : count(v))), line('Errors', COLORS[1], (v) => (v === null ? '—' : count(v)))],
    axes: [{}, { size: 50 }],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
  };
  const spend: ChartOptions = {
    ...utc,
    series: [{}, line('Spend', COLORS[2], (v) => (v === null ? '—' : usd(v)))],
    axes: [{}, { size: 80, values: (_u, splits) => splits.map((v) => usdAxis(v)) }],
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max : 0.01] } },
  };
  const latency: ChartOptions = {
    ...utc,
    series: [
      {},
      line('Overhead p50', COLORS[4], ms),
      line('Overhead p95', COLORS[4], ms, [6, 4]),
      line('Upstream p50', COLORS[3], ms),
      line('Upstream p95', COLORS[3], ms, [6, 4]),
    ],
    axes: [{}, { size: 60, values: (_u, splits) => splits.map((v) => ms(v)) }],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
  };
  return {
    requests,
    requestData: [x, column((p) => p.requests), column((p) => p.errors)] as uPlot.AlignedData,
    spend,
    spendData: [x, column((p) => p.cost_usd)] as uPlot.AlignedData,
    latency,
    latencyData: [x, column((p) => p.overhead_p50_ms), column((p) => p.overhead_p95_ms), column((p) => p.upstream_p50_ms), column((p) => p.upstream_p95_ms)] as uPlot.AlignedData,
  };
}

/** uPlot labels axes in the browser's time zone; shifting each instant by its offset makes them read in UTC. */
function utcAsLocal(seconds: number): Date {
  const date = new Date(seconds * 1000);
  return new Date(date.getTime() + date.getTimezoneOffset() * 60_000);
}
