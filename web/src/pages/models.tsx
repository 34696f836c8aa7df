/**
 * Models: for admins every model group with its deployments (region, health, recent error rate, latency, price)
 * from the running router; for anyone else the groups policy lets them use.
 */
import * as api from '../api/endpoints.js';
import type { Deployment, Me, ModelGroup } from '../api/types.js';
import { Empty, Loaded } from '../components/states.js';
import { count, list, ms, percent, time } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';

export function ModelsPage({ me }: { me: Me }) {
  const scope = me.admin ? 'all' : 'own';
  const models = useResource(() => api.models(scope), [scope]);
  return (
    <>
      <header class="page-header">
        <h1>Models</h1>
        <p class="hint">{me.admin ? 'Every model group, its deployments and their health right now.' : 'The models policy lets you use.'}</p>
      </header>
      <Loaded resource={models} what="models">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>{me.admin ? 'No models are configured.' : 'Policy lets you use no models right now.'}</Empty>
          ) : me.admin ? (
            data.map((group) => <GroupDetail key={group.name} group={group} />)
          ) : (
            <OwnModels groups={data} />
          )
        }
      </Loaded>
    </>
  );
}

function OwnModels({ groups }: { groups: ModelGroup[] }) {
  return (
    <table>
      <caption>Models you may use</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Description</th>
          <th scope="col">Tags</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <tr key={group.name}>
            <td class="mono">{group.name}</td>
            <td>{group.description ?? ''}</td>
            <td>{list(group.tags)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GroupDetail({ group }: { group: ModelGroup }) {
  const deployments = group.deployments ?? [];
  return (
    <section class="card">
      <h2 class="mono">{group.name}</h2>
      {group.description && <p>{group.description}</p>}
      <p class="hint">
        Tags: {list(group.tags, 'none')}. Falls back to: {list(group.fallbacks, 'nothing')}.
      </p>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Deployments of {group.name}</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Provider / model</th>
              <th scope="col">Region</th>
              <th scope="col">Health</th>
              <th scope="col" class="num">Recent requests</th>
              <th scope="col" class="num">Error rate</th>
              <th scope="col" class="num">Latency p50</th>
              <th scope="col" class="num">Price in / out (per M tokens)</th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((deployment) => (
              <DeploymentRow key={deployment.id} deployment={deployment} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DeploymentRow({ deployment }: { deployment: Deployment }) {
  const healthy = deployment.state === 'healthy';
  const price = (value: number | null) => (value === null ? 'unknown' : `$${value}`);
  return (
    <tr>
      <td class="mono">{deployment.id}</td>
      <td>
        {deployment.provider} / <span class="mono">{deployment.model}</span>
      </td>
      <td>{deployment.region ?? '—'}</td>
      <td>
        <span class={`badge ${healthy ? 'good' : 'bad'}`}>{healthy ? 'healthy' : 'cooling down'}</span>
        {!healthy && deployment.cooldown_until && <div class="hint">until {time(deployment.cooldown_until)}</div>}
      </td>
      <td class="num">{count(deployment.recent_requests)}</td>
      <td class="num">{deployment.recent_requests > 0 ? percent(deployment.recent_error_rate) : '—'}</td>
      <td class="num">{ms(deployment.latency_p50_ms)}</td>
      <td class="num">
        {price(deployment.price.input_usd_per_mtok)} / {price(deployment.price.output_usd_per_mtok)}
      </td>
    </tr>
  );
}
