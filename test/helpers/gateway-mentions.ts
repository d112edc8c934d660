import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The adapter registry is the only list of gateways (#13): outside `server/payments/adapters/`
 * no source file names a gateway id, so a new gateway never needs an edit elsewhere (and a
 * forgotten list cannot silently drop one). Comments may name gateways (protocol quirks cite
 * them); code may not. `sandbox` is also an environment name (`sandbox` | `production`), so a
 * line that speaks of environments may use that word.
 */
const SOURCE = /\.(ts|js|mjs|eta|html|css)$/;

/** Source files below `dir`, leaving out the adapters folder of the tree rooted at `root`. */
export function sourceFilesOutsideAdapters(root: string, dir = root): string[] {
  const adapters = join(root, 'server', 'payments', 'adapters');
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === adapters || entry.name === 'node_modules' ? [] : sourceFilesOutsideAdapters(root, path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** Drops comments (block, line, HTML), keeping line numbers. */
function withoutComments(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  return text
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, (m, lead: string) => lead + ' '.repeat(m.length - lead.length));
}

/** `file:line: code` for every line of code that names a gateway id or endpoint variable. */
export function gatewayMentions(root: string, files: string[], ids: readonly string[], variables: readonly string[]): string[] {
  const found: string[] = [];
  const mention = new RegExp(`\\b(${ids.join('|')})\\b`, 'i');
  const variable = variables.length ? new RegExp(`\\b(${variables.join('|')})\\b`) : null;
  for (const file of files) {
    const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      const hit = line.match(mention);
      const environmentWord = hit?.[1]?.toLowerCase() === 'sandbox' && /environment|production|ambiente/i.test(line);
      if ((hit && !environmentWord) || variable?.test(line)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

