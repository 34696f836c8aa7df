import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented with its status and both dialect types', (code, spec) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    const cells = row!.split('|').map((cell) => cell.trim());
    expect(cells[2]).toBe(String(spec.status));
    expect(cells[3]).toBe(`\`${spec.openaiType}\``);
    expect(cells[4]).toBe(`\`${spec.anthropicType}\``);
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `(GH_ERR_[A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
