import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { render, WEB_DIR } from './views';

/** The repository root (docs live there; the web folder is `server/web`). */
const REPO_DIR = resolve(WEB_DIR, '..', '..');

/** The documents a newcomer or an owner reads, in reading order; only those present are listed. */
const DOCS: Array<{ file: string; about: string }> = [
  { file: 'README.md', about: 'Cómo arrancar, la guía del dueño (de tu número de WhatsApp al primer pedido real) y el archivo del restaurante.' },
  { file: 'docs/ARCHITECTURE.md', about: 'Las capas del código y dónde agregar una pasarela, un paso de conversación o una página.' },
  { file: 'docs/DEPLOY.md', about: 'Publicar en Firebase: variables, reglas y webhooks.' },
  { file: 'docs/OPERATIONS.md', about: 'Operar en producción: alertas, reintentos y qué revisar.' },
  { file: 'docs/PERFORMANCE.md', about: 'Cifras de rendimiento (npm run bench).' },
  { file: 'docs/tenant-example.json', about: 'Un restaurante de ejemplo para importar con npm run tenant -- import.' },
];

/** The demo users' e-mails when the embedded default signs them in; their passwords are only printed in the terminal and kept in `passwordsFile`. */
export interface DemoUsersNote {
  owner: string;
  staff: string;
  passwordsFile: string;
}

export interface LandingOptions {
  demoMode: boolean;
  demoUsers?: DemoUsersNote;
}

/** `/`: where everything is (simulator in demo mode, kitchen board, owners' page, docs, health). */
export function landingRouter(options: LandingOptions): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(landingPage(options.demoMode, options.demoUsers));
  });
  return router;
}

export function landingPage(demoMode: boolean, demoUsers: DemoUsersNote | undefined): string {
  const docs = DOCS.filter((d) => existsSync(join(REPO_DIR, d.file)));
  return render('landing', { demoMode, demoUsers: demoUsers ?? null, docs });
}

/**
 * Browsers that ask for a page nobody serves get a small HTML page linking home; API clients
 * (no `text/html` in Accept, or anything under `/api/`) keep the JSON error of the app.
 */
export function htmlNotFound() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.accepts(['json', 'html']) !== 'html') {
      next();
      return;
    }
    res.status(404).type('html').send(notFoundPage(req.path));
  };
}

export function notFoundPage(path: string): string {
  return render('not-found', { path: path.slice(0, 200) });
}
