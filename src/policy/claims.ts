/**
 * `claim/<path>`: a claim of the principal, by name or by a dotted path into nested claims
 * (`claim/org.department`). A claim whose own name holds dots (`https://example.com/roles`, common for namespaced
 * IdP claims) is found by its full name first.
 */

export type ClaimReader = (claims: Readonly<Record<string, unknown>>) => unknown;

export function claimReader(path: string): ClaimReader {
  const segments = path.split('.');
  if (segments.length === 1) return (claims) => (Object.hasOwn(claims, path) ? claims[path] : undefined);
  return (claims) => {
    if (Object.hasOwn(claims, path)) return claims[path];
    let current: unknown = claims;
    for (const segment of segments) {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current;
  };
}

/** A claim as text when it is a scalar (string, number, boolean); undefined for lists, objects and absence. */
export function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A claim as a list of strings: a list claim's scalar items, or a scalar claim as a list of one. */
export function claimList(value: unknown): readonly string[] {
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    if (items.every((item) => typeof item === 'string')) return items as string[]; // the usual case, without a copy
    return items.map(claimText).filter((item): item is string => item !== undefined);
  }
  const text = claimText(value);
  return text === undefined ? [] : [text];
}
