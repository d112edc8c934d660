import express, { type Response, type Router } from 'express';
import { basename } from 'node:path';
import { assetVersion, STATIC_DIR, STATIC_PREFIX } from './views';

/** A year: the URL carries the file's content hash (`asset()`), so a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `/static/*`: the pages' styles, scripts and icon. Cached for good when asked for with the
 * current `?v=` hash, revalidated otherwise; content types from the extension, never sniffed.
 */
export function staticFilesRouter(): Router {
  const router = express.Router();
  router.use(
    STATIC_PREFIX,
    express.static(STATIC_DIR, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders(res: Response, path: string) {
        const current = safeVersion(basename(path));
        res.setHeader('Cache-Control', current !== null && res.req.query.v === current ? IMMUTABLE : 'no-cache');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  // Browsers ask for it on their own when a page does not link one (JSON answers, error pages).
  router.get('/favicon.ico', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').sendFile('favicon.svg', { root: STATIC_DIR });
  });
  return router;
}

function safeVersion(file: string): string | null {
  try {
    return assetVersion(file);
  } catch {
    return null;
  }
}
