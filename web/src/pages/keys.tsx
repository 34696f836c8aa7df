/**
 * Keys: anyone signed in lists, creates and revokes their own personal keys; admins also see every key and
 * create service keys, team keys and keys for a person. A new key's secret is shown once (SecretOnce); lists show
 * only the prefix, which is all the API ever returns afterwards.
 */
import { useState } from 'preact/hooks';
import * as api from '../api/endpoints.js';
import type { ApiKey, CreatedKey, Me } from '../api/types.js';
import { SecretOnce } from '../components/secret-once.js';
import { Empty, ErrorNotice, Loaded } from '../components/states.js';
import { list, time } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';

export function KeysPage({ me }: { me: Me }) {
  const [created, setCreated] = useState<CreatedKey | null>(null);
  return (
    <>
      <header class="page-header">
        <h1>Keys</h1>
        <p class="hint">API keys for the OpenAI- and Anthropic-compatible endpoints. A key's secret is shown once, when it is created.</p>
      </header>
      {created && <SecretOnce name={created.name} secret={created.key} onDone={() => setCreated(null)} />}
      <PersonalKeys onCreated={setCreated} created={created} />
      {me.admin && <AllKeys onCreated={setCreated} created={created} />}
    </>
  );
}

interface SectionProps {
  onCreated: (key: CreatedKey) => void;
  /** The last key created anywhere on the page, so each list reloads after it. */
  created: CreatedKey | null;
}

function PersonalKeys({ onCreated, created }: SectionProps) {
  const keys = useResource(api.personalKeys, [created?.id]);
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState('');
  const submit = useSubmit(async () => {
    const key = await api.createPersonalKey({ ...(name.trim() && { name: name.trim() }), ...(lifetime && { lifetime }) });
    setName('');
    onCreated(key);
  });
  return (
    <section class="card" aria-labelledby="personal-keys">
      <h2 id="personal-keys">Your personal keys</h2>
      <form class="inline-form" onSubmit={submit.handle}>
        <label>
          Name
          <input name="personal-name" value={name} onInput={(event) => setName(event.currentTarget.value)} placeholder="laptop" maxLength={200} />
        </label>
        <label>
          Expires after
          <select name="personal-lifetime" value={lifetime} onChange={(event) => setLifetime(event.currentTarget.value)}>
            {/* The gateway caps personal key lifetimes (keys.personal_max_lifetime); a longer choice is refused with the cap in words. */}
            <option value="">the gateway's default</option>
            <option value="1h">1 hour</option>
            <option value="8h">8 hours</option>
            <option value="24h">24 hours</option>
            <option value="7d">7 days</option>
            <option value="30d">30 days</option>
          </select>
        </label>
        <button type="submit" disabled={submit.busy}>
          Create personal key
        </button>
      </form>
      {submit.error && <ErrorNotice error={submit.error} />}
      <Loaded resource={keys} what="your keys">
        {({ data }) => (data.length === 0 ? <Empty>You have no personal keys.</Empty> : <KeyTable caption="Your personal keys" keys={data} revoke={api.revokePersonalKey} onRevoked={keys.reload} />)}
      </Loaded>
    </section>
  );
}

type Owner = 'service' | 'team' | 'user';

function AllKeys({ onCreated, created }: SectionProps) {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const keys = useResource(() => api.allKeys(includeRevoked), [includeRevoked, created?.id]);
  const [name, setName] = useState('');
  const [owner, setOwner] = useState<Owner>('service');
  const [ownerId, setOwnerId] = useState('');
  const [models, setModels] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const submit = useSubmit(async () => {
    const allowed = models.split(',').map((model) => model.trim()).filter(Boolean);
    const key = await api.createKey({
      name: name.trim(),
      ...(owner === 'team' && { owner_team: ownerId.trim() }),
      ...(owner === 'user' && { owner_user: ownerId.trim() }),
      ...(allowed.length > 0 && { allowed_models: allowed }),
      ...(expiresIn.trim() && { expires_in: expiresIn.trim() }),
    });
    setName('');
    setOwnerId('');
    setModels('');
    setExpiresIn('');
    onCreated(key);
  });
  return (
    <section class="card" aria-labelledby="all-keys">
      <h2 id="all-keys">All keys</h2>
      <form class="grid-form" onSubmit={submit.handle}>
        <label>
          Name
          <input name="key-name" required maxLength={200} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label>
          Belongs to
          <select name="key-owner" value={owner} onChange={(event) => setOwner(event.currentTarget.value as Owner)}>
            <option value="service">a service (no owner)</option>
            <option value="team">a team</option>
            <option value="user">a person</option>
          </select>
        </label>
        {owner !== 'service' && (
          <label>
            {owner === 'team' ? 'Team id' : "Person's subject"}
            <input name="key-owner-id" required value={ownerId} onInput={(event) => setOwnerId(event.currentTarget.value)} />
          </label>
        )}
        <label>
          Allowed models <span class="hint">(comma-separated; empty: every model)</span>
          <input name="key-models" value={models} onInput={(event) => setModels(event.currentTarget.value)} placeholder="demo-fast, demo-smart" />
        </label>
        <label>
          Expires in <span class="hint">(e.g. 90d; empty: never)</span>
          <input name="key-expires" value={expiresIn} onInput={(event) => setExpiresIn(event.currentTarget.value)} />
        </label>
        <div class="form-actions">
          <button type="submit" disabled={submit.busy}>
            Create key
          </button>
        </div>
      </form>
      {submit.error && <ErrorNotice error={submit.error} />}
      <label class="check">
        <input type="checkbox" checked={includeRevoked} onChange={(event) => setIncludeRevoked(event.currentTarget.checked)} />
        Show revoked keys
      </label>
      <Loaded resource={keys} what="keys">
        {({ data }) => (data.length === 0 ? <Empty>No keys yet.</Empty> : <KeyTable caption="All keys" keys={data} revoke={api.revokeKey} onRevoked={keys.reload} showOwner />)}
      </Loaded>
    </section>
  );
}

function KeyTable({ caption, keys, revoke, onRevoked, showOwner = false }: { caption: string; keys: ApiKey[]; revoke: (id: string) => Promise<ApiKey>; onRevoked: () => void; showOwner?: boolean }) {
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Models</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <td>{key.name}</td>
              <td class="mono">{key.prefix}…</td>
              {showOwner && <td>{key.owner_team ? `team ${key.owner_team}` : key.owner_user ? key.owner_user : 'service'}</td>}
              <td>{list(key.allowed_models, 'all')}</td>
              <td>{time(key.created_at)}</td>
              <td>{key.expires_at ? time(key.expires_at) : 'never'}</td>
              <td>{key.last_used_at ? time(key.last_used_at) : 'never'}</td>
              <td>{key.revoked_at ? <span class="badge bad">revoked</span> : <RevokeButton apiKey={key} revoke={revoke} onRevoked={onRevoked} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Revoking cannot be undone, so it takes a second, explicit click. */
function RevokeButton({ apiKey, revoke, onRevoked }: { apiKey: ApiKey; revoke: (id: string) => Promise<ApiKey>; onRevoked: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const submit = useSubmit(async () => {
    await revoke(apiKey.id);
    setConfirming(false);
    onRevoked();
  });
  if (!confirming) {
    return (
      <button type="button" class="secondary" onClick={() => setConfirming(true)} aria-label={`Revoke key ${apiKey.name}`}>
        Revoke
      </button>
    );
  }
  return (
    <span class="confirm">
      <button type="button" class="danger" disabled={submit.busy} onClick={() => void submit.run()} aria-label={`Confirm revoking key ${apiKey.name}`}>
        Confirm revoke
      </button>
      <button type="button" class="secondary" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      {submit.error && <span role="alert" class="error-text">{submit.error.message}</span>}
    </span>
  );
}
