/** The header that carries the identity assertion to providers with `pass_identity` (lower-case, as Node sends it). */
export const ASSERTION_HEADER = 'x-gatehouse-jwt-assertion';
