import { describe, expect, it } from 'vitest';
import { toCsv } from '../../web/src/lib/csv.js';

describe('the console CSV export', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['user', 'cost_usd'], [['alice', 0.25], ['bob', 0]])).toBe('user,cost_usd\r\nalice,0.25\r\nbob,0\r\n');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(toCsv(['value'], [['a,b'], ['say "hi"'], ['two\nlines']])).toBe('value\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n');
  });

  it('keeps a value that a spreadsheet would run as a formula as text', () => {
    expect(toCsv(['value'], [['=HYPERLINK("http://evil")'], ['+1'], ['-2'], ['@SUM(A1)']])).toBe('value\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n');
  });

  it('leaves numbers alone, negative ones included, and writes null as empty', () => {
    expect(toCsv(['a', 'b', 'c'], [[-1.5, null, undefined]])).toBe('a,b,c\r\n-1.5,,\r\n');
  });
});
