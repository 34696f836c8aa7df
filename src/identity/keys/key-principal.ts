/**
 * The principal a key authenticates as. A service key is its owner (or itself) with no groups and never an
 * administrator. A personal key is the person it was minted for, as of minting; it is an administrator only if
 * that person was one then and the current `identity.admins` still says so.
 */
import type { StoredApiKey } from '../../store/api-keys.js';
import type { AdminRule } from '../admins.js';
import type { Principal } from '../principal.js';

export function principalOfKey(key: StoredApiKey, admins: AdminRule): Principal {
  const allowedModels = key.allowedModels && Object.freeze([...key.allowedModels]);
  if (key.kind === 'personal' && key.identity) {
    const person = key.identity;
    return Object.freeze({
      authenticated: true,
      authMethod: 'personal_key',
      subject: person.subject,
      email: person.email,
      name: person.name,
      groups: Object.freeze([...person.groups]),
      claims: Object.freeze({ ...person.claims }),
      keyId: key.id,
      team: key.ownerTeam,
      allowedModels,
      admin: person.admin && admins.isAdmin(person),
    } satisfies Principal);
  }
  return Object.freeze({
    authenticated: true,
    authMethod: 'virtual_key',
    subject: key.ownerUser ?? `key:${key.id}`,
    email: undefined,
    name: key.name,
    groups: Object.freeze([]),
    claims: Object.freeze({}),
    keyId: key.id,
    team: key.ownerTeam,
    allowedModels,
    admin: false,
  } satisfies Principal);
}
