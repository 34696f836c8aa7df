/** How much of a budget has been spent, as a bar and in words; over 80% it turns amber, at 100% red. */
import { usd } from '../lib/format.js';

export function UsageBar({ label, spent, limit }: { label: string; spent: number; limit: number }) {
  const ratio = limit > 0 ? spent / limit : spent > 0 ? 1 : 0;
  const level = ratio >= 1 ? 'over' : ratio >= 0.8 ? 'near' : 'ok';
  const text = `${usd(spent)} of ${usd(limit)} ${label}`;
  return (
    <div class="usage-bar">
      <progress class={level} max={1} value={Math.min(ratio, 1)} aria-label={`Budget used ${label}`} aria-valuetext={text} />
      <span>{text}</span>
    </div>
  );
}
