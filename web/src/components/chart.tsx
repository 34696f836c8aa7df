/**
 * A uPlot chart that fills its container's width (and follows it when the window is resized). uPlot draws on a
 * canvas, so the figure carries a text summary for screen readers; the tables on each page hold the same numbers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  title: string;
  /** What the chart shows, in words, for screen readers. */
  summary: string;
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
}

export function Chart({ title, summary, options, data, height = 220 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const plot = new uPlot({ ...options, width: Math.max(element.clientWidth, 200), height }, data, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [options, data, height]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}

/** Series colours: distinct, and readable on white. */
export const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'] as const;

export function line(label: string, color: string, value: (n: number | null) => string, dash?: number[]): uPlot.Series {
  // Points as well as lines: a bucket with requests between empty ones (no latency) is a point with no line to it.
  return { label, stroke: color, width: 2, value: (_u, v) => value(v), ...(dash && { dash }), spanGaps: false, points: { show: true, size: 5, fill: color } };
}
