/**
 * A one-entry memo. Within one evaluation many rules ask the same derived question (the caller's email domain,
 * the parsed source address, the local time in a zone); remembering the last answer makes each repeat free
 * without a cache that grows.
 */
export function rememberLast<K, V>(compute: (key: K) => V): (key: K) => V {
  let lastKey: K | undefined;
  let lastValue: V | undefined;
  let filled = false;
  return (key: K): V => {
    if (!filled || key !== lastKey) {
      lastValue = compute(key);
      lastKey = key;
      filled = true;
    }
    return lastValue as V;
  };
}
