/**
 * IP addresses and CIDR ranges for `source_ip`. Every address is held as 128 bits in four 32-bit words, IPv4 as
 * its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so `10.0.0.0/8` also matches a client that a dual-stack socket
 * reports as `::ffff:10.1.2.3`, and one comparison serves both families.
 */

export type Address = readonly [number, number, number, number];

export interface IpRange {
  readonly text: string;
  readonly base: Address;
  readonly mask: Address;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const MAPPED_PREFIX = 0xffff;

function parseIpv4(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i]!;
    // A leading zero ("010") is octal to some parsers and decimal to others: refuse it rather than guess.
    if ((part.length > 1 && part.startsWith('0')) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The eight 16-bit groups of an IPv6 address, or undefined. A zone (`%eth0`) is ignored. */
function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.replace(/%.*$/, '').split('::');
  if (halves.length > 2) return undefined;
  const lists = halves.map((half) => (half === '' ? [] : half.split(':')));
  const [head = [], tail = []] = lists.map((list, h) => list.flatMap((part, i) => groupsOf(part, h === lists.length - 1 && i === list.length - 1)));
  const missing = 8 - head.length - tail.length;
  // Without "::" there must be exactly eight groups; with it, "::" stands for at least one.
  if (lists.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(lists.length === 1 ? 0 : missing).fill(0), ...tail];
  return all.some(Number.isNaN) ? undefined : all;
}

/** One hex group, or (only as the very last part) an embedded IPv4 address worth two groups; NaN when invalid. */
function groupsOf(part: string, last: boolean): number[] {
  if (HEX_GROUP.test(part)) return [parseInt(part, 16)];
  const v4 = last ? parseIpv4(part) : undefined;
  return v4 === undefined ? [NaN] : [Math.floor(v4 / 65536), v4 % 65536];
}

export function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return [0, 0, MAPPED_PREFIX, v4];
  if (!text.includes(':')) return undefined;
  const groups = parseIpv6Groups(text);
  if (groups === undefined) return undefined;
  return [0, 1, 2, 3].map((i) => (groups[2 * i]! * 65536 + groups[2 * i + 1]!) >>> 0) as unknown as Address;
}

/** `10.0.0.0/8`, `192.0.2.7` (a /32), `2001:db8::/32`, `::1`. Host bits below the prefix are ignored. */
export function parseRange(text: string): IpRange | undefined {
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const base = parseAddress(addressText);
  if (base === undefined) return undefined;
  const isV4 = parseIpv4(addressText) !== undefined;
  const width = isV4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  const mask = maskOf(isV4 ? 96 + prefix : prefix);
  return { text: text.trim(), base: base.map((word, i) => (word & mask[i]!) >>> 0) as unknown as Address, mask };
}

function maskOf(bits: number): Address {
  return [0, 1, 2, 3].map((i) => {
    const inWord = Math.min(32, Math.max(0, bits - 32 * i));
    return inWord === 0 ? 0 : (0xffffffff << (32 - inWord)) >>> 0;
  }) as unknown as Address;
}

export function inRange(address: Address, range: IpRange): boolean {
  for (let i = 0; i < 4; i++) if (((address[i]! & range.mask[i]!) >>> 0) !== range.base[i]) return false;
  return true;
}
