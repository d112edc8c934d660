import express, { type Router } from 'express';
import { describeGateways } from '../payments/adapters';
import type { SignInConfig } from './kitchen-signin';
import { render } from './views';

/**
 * `/admin`: the owner's settings over `/api/admin` (`views/admin.eta`, `static/admin.js`):
 * payments on/off, each gateway with its credentials (write-only: only the last 4 characters
 * come back) and a "Probar" button, cash on delivery, and the menu.
 */
export function adminPageRouter(signIn: SignInConfig): Router {
  const router = express.Router();
  router.get('/admin', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(adminPage(signIn));
  });
  return router;
}

/** Rendered at each request: the sign-in config changes while the local Auth emulator starts. */
export function adminPage(signIn: SignInConfig): string {
  return render('admin', {}, { 'sign-in': signIn, 'gateways-data': describeGateways() });
}
