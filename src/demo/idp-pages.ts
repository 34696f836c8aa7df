/** DEMO ONLY: the demo IdP's pages (clearly labelled) and its automatic consent for the gateway. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';

export function demoPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DEMO · ${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
.banner{background:#b00020;color:#fff;padding:.5rem;text-align:center;font-weight:bold}
label{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}</style></head>
<body><div class="banner">DEMO identity provider: not for production</div><h1>${title}</h1>${body}</body></html>`;
}

export function loginPage(uid: string, error: string | undefined): string {
  const message = error ? `<p role="alert" style="color:#b00020">${error}</p>` : '';
  return demoPage(
    'Sign in to Gatehouse',
    `${message}<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" autocomplete="off">
<label>Username <input name="username" autofocus required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form>
<p>Demo users: alice, bob, admin (passwords are printed by <code>gatehouse demo</code>).</p>`,
  );
}

/** Grants what the gateway asked for: it is the demo's only, first-party client. */
export async function consentAutomatically(provider: Provider, interaction: Interaction, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { prompt, params, session, grantId } = interaction;
  if (!session) throw new Error('consent without a signed-in session');
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error('the grant to extend no longer exists');
  const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}
