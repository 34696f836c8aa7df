/**
 * Everything the request path needs that is derived from the config: providers, model groups and router,
 * credentials, the model list. A reload builds a new Runtime and swaps it in atomically; in-flight requests keep
 * the one they started with. Providers whose config is unchanged (and so their connection pools) and deployment
 * health (cooldowns, latency) carry over.
 */
import type { GatehouseConfig } from '../config/schema.js';
import { AdminRule } from '../identity/admins.js';
import { createAuthenticator, type Authenticator, type KeyVerifier, type PrincipalResolver, type SessionVerifier, type TokenVerifier } from '../identity/authenticate.js';
import { createTokenVerifier } from '../identity/bearer/index.js';
import { BootstrapKeys } from '../identity/bootstrap-keys.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import { createProvider } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import { Router } from '../router/index.js';
import type { Deployment, ModelGroup, RouterObserver } from '../router/types.js';

/** Identity services that live as long as the process (they hold the store), shared by every runtime. */
export interface IdentityServices {
  keys?: KeyVerifier;
  sessions?: SessionVerifier;
  directory?: PrincipalResolver;
}

export interface RuntimeOptions {
  previous?: Runtime;
  observer?: RouterObserver;
  identity?: IdentityServices;
}

export class Runtime {
  private constructor(
    readonly config: GatehouseConfig,
    readonly providers: ReadonlyMap<string, Provider>,
    readonly router: Router,
    readonly authenticator: Authenticator,
    /** The JWT verifier for `identity.bearer`, kept across reloads that leave those issuers unchanged (its JWKS and token caches survive). */
    readonly tokens: TokenVerifier | undefined,
    /** The access policy, compiled once per load (the loader already refused an invalid one). */
    readonly policy: CompiledPolicy,
    /** When the config was loaded, as a Unix time: the `created` of every model in /v1/models. */
    readonly loadedAt: number,
  ) {}

  static create(config: GatehouseConfig, options: RuntimeOptions = {}): Runtime {
    const providers = new Map<string, Provider>();
    for (const [name, providerConfig] of Object.entries(config.providers)) {
      const old = options.previous?.providers.get(name);
      const reusable = old && JSON.stringify(old.config) === JSON.stringify(providerConfig) && options.previous?.config.routing.connect_timeout === config.routing.connect_timeout;
      providers.set(name, reusable ? old : createProvider(name, providerConfig, { connectTimeoutMs: config.routing.connect_timeout }));
    }
    const groups = new Map<string, ModelGroup>();
    for (const model of config.models) {
      const deployments: Deployment[] = model.deployments.map((d) => ({
        id: d.id ?? `${d.provider}/${d.model}`,
        group: model.name,
        provider: providers.get(d.provider)!, // the schema checks every deployment names a configured provider
        model: d.model,
        region: d.region,
        weight: d.weight,
        rpm: d.rpm,
        tpm: d.tpm,
        inputCostPerMtok: d.input_cost_per_mtok,
        outputCostPerMtok: d.output_cost_per_mtok,
        timeoutMs: d.timeout,
      }));
      groups.set(model.name, { name: model.name, description: model.description, tags: model.tags, deployments, fallbacks: model.fallbacks });
    }
    const router = new Router({ groups, routing: config.routing, ...(options.previous && { health: options.previous.router.health }), ...(options.observer && { observer: options.observer }) });
    const admins = new AdminRule(config.identity.admins);
    const tokens = tokenVerifierFor(config, options.previous);
    const authenticator = createAuthenticator({ bootstrapKeys: new BootstrapKeys(config.server.api_keys), admins, ...options.identity, ...(tokens && { tokens }) });
    return new Runtime(config, providers, router, authenticator, tokens, compilePolicy(config.policies), Math.floor(Date.now() / 1000));
  }

  /** Close the providers the next runtime no longer uses; their pools finish in-flight requests first. */
  async retire(next: Runtime | undefined): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [name, provider] of this.providers) {
      if (next?.providers.get(name) !== provider) closing.push(provider.close());
    }
    await Promise.allSettled(closing);
  }
}

function tokenVerifierFor(config: GatehouseConfig, previous: Runtime | undefined): TokenVerifier | undefined {
  const { bearer, clock_tolerance, max_token_size } = config.identity;
  if (bearer.length === 0) return undefined;
  const settings = (c: GatehouseConfig) => JSON.stringify([c.identity.bearer, c.identity.clock_tolerance, c.identity.max_token_size]);
  if (previous?.tokens && settings(previous.config) === settings(config)) return previous.tokens;
  return createTokenVerifier(bearer, { clockToleranceMs: clock_tolerance, maxTokenSize: max_token_size });
}
