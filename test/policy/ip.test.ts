/** Addresses and CIDR ranges, IPv4 and IPv6. */
import { describe, expect, it } from 'vitest';
import { inRange, parseAddress, parseRange } from '../../src/policy/ip.js';

const contains = (range: string, address: string) => inRange(parseAddress(address)!, parseRange(range)!);

describe('IP ranges', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.0.2.7', '192.0.2.7', true],
    ['192.0.2.7', '192.0.2.70', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['10.1.2.3/8', '10.9.9.9', true], // host bits are ignored
    ['10.0.0.0/8', '::ffff:10.1.1.1', true], // IPv4-mapped, as dual-stack sockets report it
    ['::ffff:10.0.0.0/104', '10.3.3.3', true],
    ['2001:db8::/32', '2001:db8:1234::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1', true],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['::1', '::1', true],
    ['::1', '::2', false],
    ['::/0', '10.0.0.1', true],
    ['2001:db8::/127', '2001:db8::1', true],
    ['2001:db8::/128', '2001:db8::1', false],
    ['64:ff9b::/96', '64:ff9b::192.0.2.1', true],
  ])('%s contains %s: %s', (range, address, expected) => expect(contains(range, address)).toBe(expected));

  it.each(['10.0.0.0/33', '256.0.0.1', '10.0.0', '010.0.0.1', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', '2001:db8::/129', 'gggg::1', '1.2.3.4/8/8', '::1.2.3.4:5', 'example.com', ''])('refuses %s', (text) => {
    expect(parseRange(text)).toBeUndefined();
  });
});
