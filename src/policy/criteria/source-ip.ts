/**
 * `source_ip`: the client address is one of a list of addresses and CIDR ranges, IPv4 or IPv6, as in Pomerium
 * (`source_ip: [10.0.0.0/8, 192.0.2.7, 2001:db8::/32]`; a single entry may be written without the list).
 */
import { type Address, inRange, type IpRange, parseAddress, parseRange } from '../ip.js';
import { rememberLast } from '../last-value.js';
import { describeValue, listText } from '../scalars.js';
import type { Site } from '../site.js';
import { type Criterion, shown } from './criterion.js';

const addressOf = rememberLast((text: string): Address | undefined => parseAddress(text));

export const sourceIp: Criterion = {
  name: 'source_ip',
  value: 'ip_list',
  description: "the client's IP address, against addresses and CIDR ranges",
  compile(value, site) {
    const ranges = readRanges(value, site);
    return {
      test: (input) => {
        const text = input.request.sourceIp;
        const address = text === undefined ? undefined : addressOf(text);
        if (address === undefined) return false;
        for (const range of ranges) if (inRange(address, range)) return true;
        return false;
      },
      expected: `in ${listText(ranges.map((range) => range.text))}`,
      actual: (input) => `source IP is ${shown(input.request.sourceIp)}`,
    };
  },
};

function readRanges(value: unknown, site: Site): IpRange[] {
  const entries: unknown[] = Array.isArray(value) ? value : [value];
  if (entries.length === 0) site.issue('expected at least one address or CIDR range');
  const ranges: IpRange[] = [];
  entries.forEach((entry, i) => {
    const at = Array.isArray(value) ? site.at(i) : site;
    const range = typeof entry === 'string' ? parseRange(entry) : undefined;
    if (range === undefined) at.issue(`bad IP address or CIDR range ${describeValue(entry)}; expected such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32`);
    else ranges.push(range);
  });
  return ranges;
}
