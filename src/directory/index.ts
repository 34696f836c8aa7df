/** People and teams: the store's directory as the request path and the admin API use it. */
export { Directory, type DirectoryOptions } from './directory.js';
export { keyPolicyOf, NO_OVERRIDES, teamPolicyOf, userOverridesOf, withDirectoryObligations, type KeyPolicy, type TeamPolicy, type UserOverrides } from './obligations.js';
export { withTeam } from './team-principal.js';
export { blockedError } from './blocked.js';
