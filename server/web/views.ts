import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Eta } from 'eta';

/**
 * The pages' templates (`views/`, eta) and browser files (`static/`). Compiled code
 * (`dist/server/web/`) reads them from the sources' folder, which is deployed with the rest of
 * the repository (firebase.json uploads the project root).
 */
export const WEB_DIR = existsSync(join(__dirname, 'views')) ? __dirname : resolve(__dirname, '..', '..', '..', 'server', 'web');
export const VIEWS_DIR = join(WEB_DIR, 'views');
export const STATIC_DIR = join(WEB_DIR, 'static');

/** Mounted by `staticFilesRouter`. */
export const STATIC_PREFIX = '/static';

// `<%= %>` escapes (& < > " '); `<%~ %>` is raw and used only for the layout body and `dataBlock`.
const eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true });

const versions = new Map<string, string>();

/** The content hash a static file is served under; a new deploy changes the URL, so browsers can cache it for good. */
export function assetVersion(file: string): string {
  let version = versions.get(file);
  if (version === undefined) {
    version = createHash('sha256').update(readFileSync(join(STATIC_DIR, file))).digest('hex').slice(0, 12);
    versions.set(file, version);
  }
  return version;
}

/** `/static/kitchen.js?v=<hash>`. */
export function asset(file: string): string {
  return `${STATIC_PREFIX}/${file}?v=${assetVersion(file)}`;
}

/** JSON inside a <script> element: `<`, `>`, `&` and the JS line separators escaped, so no value can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Data for the page's scripts: `<script type="application/json" id="…">`, read with `JSON.parse(textContent)`. */
function dataBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${eta.config.escapeFunction(id)}">${scriptJson(value)}</script>`;
}

/** Helpers every template sees on `it`. */
const HELPERS = { asset, dataBlock };

/** Renders `views/<view>.eta`; `pageData` entries become JSON blocks for the page's scripts. */
export function render(view: string, data: object = {}, pageData: Record<string, unknown> = {}): string {
  return eta.render(view, { ...data, ...HELPERS, pageData });
}
