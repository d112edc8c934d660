import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The README is read on a fresh clone: every link it makes must point at a file in the repository. */
const ROOT = resolve(__dirname, '..', '..');

function localTargets(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  const images = [...markdown.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
  return [...links, ...images].filter((t) => !/^(https?:|mailto:|#)/.test(t)).map((t) => t.replace(/#.*$/, ''));
}

describe('README links', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const targets = localTargets(readme);

  it('finds the links it checks', () => {
    expect(targets).toEqual(expect.arrayContaining(['docs/DEPLOY.md', 'docs/tenant-example.json', 'docs/simulator.png']));
  });

  it.each(targets)('%s is a file in the repository', (target) => {
    const path = resolve(ROOT, target);
    expect(relative(ROOT, path).startsWith('..')).toBe(false);
    expect(existsSync(path)).toBe(true);
  });

  it('names no file outside the repository in plain text either', () => {
    expect(readme).not.toMatch(/\.\.\/shared|\.\.\/\.\./);
  });
});
