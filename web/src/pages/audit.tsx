/**
 * Audit (admins): the audit log, newest first, filtered and paged as the API allows (time range, person, model,
 * decision, status), with the hash chain's verification state. A row opens the full record: the explanation it
 * stored (the rules that decided, and for a denial the rule or the criteria that failed), and on request the
 * rule-by-rule explanation the current policy gives for the same person, model, address and time.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api/endpoints.js';
import type { AuditRecord, AuditVerification, RequestExplanation } from '../api/types.js';
import { DecisionBadge, ExplanationView } from '../components/explanation.js';
import { Empty, ErrorNotice, Loaded, Loading } from '../components/states.js';
import { count, list, ms, time, usd } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';

const PAGE_SIZES = [25, 50, 100] as const;

interface Filters {
  from: string;
  to: string;
  user: string;
  model: string;
  decision: '' | 'allow' | 'deny';
  status: string;
  limit: number;
}

const NO_FILTERS: Filters = { from: '', to: '', user: '', model: '', decision: '', status: '', limit: 25 };

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** Cursors of the pages before the one shown, to go back to newer records. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const page = useResource(() => api.audit(apiFilters(filters), cursor), [filters, cursor]);
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setCursors([undefined]);
    setOpen(null);
  };
  return (
    <>
      <header class="page-header">
        <h1>Audit</h1>
        <p class="hint">Every request's decision, newest first. Records are hash-chained: changing or removing one breaks the chain.</p>
      </header>
      <Verification />
      <form class="grid-form filters" onSubmit={apply} aria-label="Audit filters">
        <label>
          From (UTC day)
          <input type="date" name="from" value={draft.from} onInput={(event) => set('from', event.currentTarget.value)} />
        </label>
        <label>
          To (UTC day, included)
          <input type="date" name="to" value={draft.to} onInput={(event) => set('to', event.currentTarget.value)} />
        </label>
        <label>
          Person <span class="hint">(subject or email)</span>
          <input name="user" value={draft.user} onInput={(event) => set('user', event.currentTarget.value)} />
        </label>
        <label>
          Model
          <input name="model" value={draft.model} onInput={(event) => set('model', event.currentTarget.value)} />
        </label>
        <label>
          Decision
          <select name="decision" value={draft.decision} onChange={(event) => set('decision', event.currentTarget.value as Filters['decision'])}>
            <option value="">any</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
          </select>
        </label>
        <label>
          Status
          <input name="status" inputMode="numeric" pattern="[0-9]{3}" value={draft.status} onInput={(event) => set('status', event.currentTarget.value)} placeholder="e.g. 403" />
        </label>
        <label>
          Per page
          <select name="limit" value={String(draft.limit)} onChange={(event) => set('limit', Number(event.currentTarget.value))}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <div class="form-actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
              setCursors([undefined]);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <Loaded resource={page} what="audit records">
        {({ data, next_cursor }) => (
          <>
            {data.length === 0 ? <Empty>No audit records match these filters.</Empty> : <AuditTable records={data} open={open} onOpen={setOpen} />}
            <nav class="pager" aria-label="Audit pages">
              <button type="button" class="secondary" disabled={cursors.length === 1} onClick={() => setCursors((stack) => stack.slice(0, -1))}>
                Newer
              </button>
              <span>Page {cursors.length}</span>
              <button type="button" class="secondary" disabled={!next_cursor} onClick={() => next_cursor && setCursors((stack) => [...stack, next_cursor])}>
                Older
              </button>
            </nav>
          </>
        )}
      </Loaded>
      {open && <RecordDetail record={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function apiFilters(filters: Filters): api.AuditFilters {
  return {
    ...(filters.from && { from: `${filters.from}T00:00:00Z` }),
    // The API's `to` is exclusive; the form's day is included, so ask for records before the next midnight.
    ...(filters.to && { to: new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000).toISOString() }),
    ...(filters.user.trim() && { user: filters.user.trim() }),
    ...(filters.model.trim() && { model: filters.model.trim() }),
    ...(filters.decision && { decision: filters.decision }),
    ...(filters.status.trim() && { status: filters.status.trim() }),
    limit: filters.limit,
  };
}

function Verification() {
  const verification = useResource(api.verifyAudit, []);
  if (verification.state === 'loading') return <Loading what="the hash chain check" />;
  if (verification.state === 'failed') return <ErrorNotice error={verification.error} retry={verification.reload} />;
  return <VerificationBanner result={verification.data} recheck={verification.reload} />;
}

function VerificationBanner({ result, recheck }: { result: AuditVerification; recheck: () => void }) {
  return (
    <div class={`banner ${result.ok ? 'good' : 'bad'}`} role="status">
      <strong>{result.ok ? 'Hash chain verified' : 'Hash chain broken'}</strong>
      {/* The message states what was checked (the newest records, up to scope.limit) and what was found. */}
      <span>
        {result.message}
        {result.first_broken_id !== null && ` First broken record: seq ${result.first_broken_id}.`}
      </span>
      <button type="button" class="secondary" onClick={recheck}>
        Check again
      </button>
      {result.problems.length > 0 && (
        <ul class="problems">
          {result.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
          {result.problem_count > result.problems.length && <li>…and {count(result.problem_count - result.problems.length)} more</li>}
        </ul>
      )}
    </div>
  );
}

function AuditTable({ records, open, onOpen }: { records: AuditRecord[]; open: AuditRecord | null; onOpen: (record: AuditRecord) => void }) {
  return (
    <div class="scroll">
      <table class="audit">
        <caption class="visually-hidden">Audit records</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Person</th>
            <th scope="col">Model</th>
            <th scope="col">Decision</th>
            <th scope="col" class="num">Status</th>
            <th scope="col" class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={record.seq} class={open?.seq === record.seq ? 'selected' : undefined}>
              <td>
                <button type="button" class="link" onClick={() => onOpen(record)} aria-label={`Open record ${record.seq} from ${time(record.time)}`}>
                  {time(record.time)}
                </button>
              </td>
              <td>{record.principal.email ?? record.principal.subject}</td>
              <td class="mono">{record.model ?? '—'}</td>
              <td>
                <DecisionBadge decision={record.decision} />
              </td>
              <td class="num">{record.status}</td>
              <td class="num">{usd(record.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RecordDetail({ record, onClose }: { record: AuditRecord; onClose: () => void }) {
  const [current, setCurrent] = useState<RequestExplanation | null>(null);
  const explainNow = useSubmit(async () => setCurrent(await api.explainPolicy(explainInputOf(record))));
  const panel = useRef<HTMLElement>(null);
  // Move focus to the record opened, so keyboard and screen reader users land on it.
  useEffect(() => {
    setCurrent(null);
    panel.current?.focus();
  }, [record.seq]);
  return (
    <section class="card detail" aria-labelledby="record-title" tabIndex={-1} ref={panel}>
      <div class="detail-head">
        <h2 id="record-title">Record {record.seq}</h2>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <dl class="pairs">
        <dt>Time</dt>
        <dd>{time(record.time)}</dd>
        <dt>Request id</dt>
        <dd class="mono">{record.request_id}</dd>
        <dt>Person</dt>
        <dd>
          {record.principal.subject}
          {record.principal.email && ` <${record.principal.email}>`} via {record.principal.auth_method}
          {record.principal.key_id && ` (key ${record.principal.key_id})`}
        </dd>
        <dt>Groups</dt>
        <dd>{list(record.principal.groups)}</dd>
        <dt>Source</dt>
        <dd>
          {record.source_ip ?? '—'} {record.user_agent && <span class="hint">{record.user_agent}</span>}
        </dd>
        <dt>Request</dt>
        <dd class="mono">
          {record.method} {record.path}
        </dd>
        <dt>Model</dt>
        <dd>
          {record.model ?? '—'}
          {record.deployment && ` → ${record.deployment}`}
          {record.provider && ` (${record.provider}${record.region ? `, ${record.region}` : ''})`}
        </dd>
        <dt>Status</dt>
        <dd>
          {record.status}
          {record.error_type && ` (${record.error_type})`}
        </dd>
        <dt>Tokens in / out</dt>
        <dd>
          {count(record.input_tokens)} / {count(record.output_tokens)}
        </dd>
        <dt>Cost</dt>
        <dd>{usd(record.cost_usd)}</dd>
        <dt>Latency</dt>
        <dd>
          {ms(record.latency_ms)} total, {ms(record.upstream_latency_ms)} upstream
        </dd>
        <dt>Hash</dt>
        <dd class="mono wrap">{record.hash}</dd>
        <dt>Previous hash</dt>
        <dd class="mono wrap">{record.prev_hash}</dd>
      </dl>
      {record.prompt !== null && (
        <>
          <h3>Prompt</h3>
          <pre>{record.prompt}</pre>
        </>
      )}
      {record.completion !== null && (
        <>
          <h3>Completion</h3>
          <pre>{record.completion}</pre>
        </>
      )}
      <h3>Explanation, as recorded</h3>
      <dl class="pairs">
        <dt>Decision</dt>
        <dd>
          <DecisionBadge decision={record.decision} />
        </dd>
        <dt>Rules that decided</dt>
        <dd>{list(record.matched_rules, 'none')}</dd>
        {record.deny_reason && (
          <>
            <dt>Why denied</dt>
            <dd>
              <strong>{record.deny_reason}</strong>
            </dd>
          </>
        )}
      </dl>
      {record.model && (
        <>
          <button type="button" class="secondary" disabled={explainNow.busy} onClick={() => void explainNow.run()}>
            Explain rule by rule with the current policy
          </button>
          <p class="hint">Evaluates today's policy for this person (subject, email, groups, credential), model, address and time. Other claims are not recorded.</p>
          {explainNow.error && <ErrorNotice error={explainNow.error} />}
          {current && (
            <>
              <h3>Explanation by the current policy</h3>
              <ExplanationView explanation={current} />
            </>
          )}
        </>
      )}
    </section>
  );
}

const ENDPOINT_OF_PATH: Readonly<Record<string, api.ExplainInput['endpoint']>> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
  '/v1/messages': 'messages',
};

/** The recorded request as the explain API takes it: the principal as recorded, the same model, address and time. */
function explainInputOf(record: AuditRecord): api.ExplainInput {
  const { principal } = record;
  return {
    principal: { authenticated: principal.auth_method !== 'none', sub: principal.subject, ...(principal.email && { email: principal.email }), groups: principal.groups, auth_method: principal.auth_method, ...(principal.key_id && { key_id: principal.key_id }) },
    model: record.model ?? '',
    endpoint: ENDPOINT_OF_PATH[record.path.split('?')[0] ?? ''] ?? 'chat',
    ...(record.source_ip && { ip: record.source_ip }),
    time: record.time,
  };
}
