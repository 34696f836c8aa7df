/**
 * A virtual (service) key for the `virtual-key` scenario, created the way an operator creates one: through the
 * running gateway's admin API, authenticated with a bootstrap key (docs/admin-api.md, `POST /admin/api/keys`).
 */
import { request } from 'undici';

/**
 * @param {string} gatewayUrl Base URL of the running gateway.
 * @param {Record<string, string>} adminHeaders Headers that authenticate an administrator (a bootstrap key).
 * @param {{ name: string, owner_user?: string, owner_team?: string }} key What the key is for and whom it acts for.
 * @returns {Promise<string>} The key itself (`ghk_…`), shown only in this response.
 */
export async function createVirtualKey(gatewayUrl, adminHeaders, key) {
  const response = await request(`${gatewayUrl}/admin/api/keys`, {
    method: 'POST',
    // The CSRF header is only required of session-cookie calls; sending it costs nothing and mirrors the CLI.
    headers: { ...adminHeaders, 'content-type': 'application/json', 'x-requested-by': 'gatehouse' },
    body: JSON.stringify(key),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`creating a virtual key answered ${response.statusCode}: ${text}`);
  const created = /** @type {{ key?: unknown }} */ (JSON.parse(text));
  if (typeof created.key !== 'string' || !created.key.startsWith('ghk_')) throw new Error(`creating a virtual key returned no ghk_ key: ${text}`);
  return created.key;
}
