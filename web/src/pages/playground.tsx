/**
 * Policy playground (admins): what the running policy decides for a person, a model and a context (source IP,
 * time), and why. Choosing a known person fills in their claims as the gateway last saw them (subject, email,
 * groups); the claims can be edited or pasted, e.g. to add a `department`.
 */
import { useState } from 'preact/hooks';
import * as api from '../api/endpoints.js';
import type { RequestExplanation, User } from '../api/types.js';
import { ExplanationView } from '../components/explanation.js';
import { ErrorNotice, Loaded } from '../components/states.js';
import { list, time } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';

type Endpoint = NonNullable<api.ExplainInput['endpoint']>;
const ENDPOINTS: readonly Endpoint[] = ['chat', 'completions', 'embeddings', 'messages'];

export function PlaygroundPage() {
  const users = useResource(() => api.users(), []);
  const models = useResource(() => api.models('all'), []);
  const [person, setPerson] = useState('');
  const [claims, setClaims] = useState('{\n  "sub": "someone",\n  "groups": []\n}');
  const [model, setModel] = useState('');
  const [endpoint, setEndpoint] = useState<Endpoint>('chat');
  const [ip, setIp] = useState('');
  const [at, setAt] = useState('');
  const [result, setResult] = useState<RequestExplanation | null>(null);
  const choose = (subject: string, known: readonly User[]) => {
    setPerson(subject);
    const user = known.find((candidate) => candidate.subject === subject);
    if (user) setClaims(JSON.stringify(claimsOf(user), null, 2));
  };
  const submit = useSubmit(async () => {
    setResult(null);
    const principal = parseClaims(claims);
    setResult(await api.explainPolicy({ principal, model, endpoint, ...(ip.trim() && { ip: ip.trim() }), ...(at && { time: `${at}:00Z` }) }));
  });
  return (
    <>
      <header class="page-header">
        <h1>Policy playground</h1>
        <p class="hint">Ask the running policy what it decides, without sending a request to any model.</p>
      </header>
      <form class="grid-form playground" onSubmit={submit.handle}>
        <label>
          Person
          <Loaded resource={users} what="people">
            {({ data }) => (
              <select name="person" value={person} onChange={(event) => choose(event.currentTarget.value, data)}>
                <option value="">— claims typed below —</option>
                {data.map((user) => (
                  <option key={user.subject} value={user.subject}>
                    {user.email ?? user.subject} ({list(user.groups, 'no groups')})
                  </option>
                ))}
              </select>
            )}
          </Loaded>
        </label>
        <label>
          Model
          <Loaded resource={models} what="models">
            {({ data }) => (
              <select name="model" required value={model} onChange={(event) => setModel(event.currentTarget.value)}>
                <option value="" disabled>
                  choose a model
                </option>
                {data.map((group) => (
                  <option key={group.name} value={group.name}>
                    {group.name}
                    {group.tags.length > 0 ? ` [${group.tags.join(', ')}]` : ''}
                  </option>
                ))}
              </select>
            )}
          </Loaded>
        </label>
        <label>
          Endpoint
          <select name="endpoint" value={endpoint} onChange={(event) => setEndpoint(event.currentTarget.value as Endpoint)}>
            {ENDPOINTS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source IP <span class="hint">(optional)</span>
          <input name="ip" value={ip} onInput={(event) => setIp(event.currentTarget.value)} placeholder="10.1.2.3" />
        </label>
        <label>
          Time, UTC <span class="hint">(optional; default now)</span>
          <input type="datetime-local" name="time" value={at} onInput={(event) => setAt(event.currentTarget.value)} />
        </label>
        <label class="wide">
          Claims (JSON)
          <textarea name="claims" rows={7} spellcheck={false} class="mono" value={claims} onInput={(event) => setClaims(event.currentTarget.value)} />
        </label>
        <div class="form-actions">
          <button type="submit" disabled={submit.busy || model === ''}>
            Explain the decision
          </button>
        </div>
      </form>
      {submit.error && <ErrorNotice error={submit.error} />}
      {result && (
        <section class="card" aria-labelledby="result-title" aria-live="polite">
          <h2 id="result-title">
            {result.input.principal.email ?? result.input.principal.subject} → {result.input.model}
          </h2>
          <p class="hint">
            Evaluated at {time(result.input.time)}
            {result.input.ip && ` from ${result.input.ip}`}; model tags: {list(result.input.model_tags, 'none')}.
          </p>
          {result.warnings.length > 0 && (
            <ul class="warnings">
              {result.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          <ExplanationView explanation={result} />
        </section>
      )}
    </>
  );
}

/** What the gateway knows of a person: enough for group and email rules (other claims are not stored). */
function claimsOf(user: User): Record<string, unknown> {
  return { sub: user.subject, ...(user.email && { email: user.email }), ...(user.name && { name: user.name }), groups: user.groups, auth_method: 'session' };
}

function parseClaims(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The claims are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('The claims must be a JSON object, such as {"sub": "alice", "groups": ["ml-senior"]}.');
  return value as Record<string, unknown>;
}
