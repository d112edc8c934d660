import express, { type Router } from 'express';
import { describeGateways } from '../payments/adapters';
import type { SignInConfig } from './kitchen-signin';
import { render } from './views';

/**
 * `/kitchen`: the board kitchen staff keep open on a tablet (`views/kitchen.eta`,
 * `static/kitchen.js`): open orders oldest first, fed by the server-sent events of
 * `/api/admin/tenants/{t}/orders/stream`, a beep when a new order arrives, one button per
 * order to move it to its next state.
 */
export function kitchenPageRouter(signIn: SignInConfig): Router {
  const router = express.Router();
  router.get('/kitchen', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(kitchenPage(signIn));
  });
  return router;
}

const STATE_LABELS = { pendiente: 'Pendiente', en_preparacion: 'En preparación', en_camino: 'En camino', entregado: 'Entregado', cancelado: 'Cancelado' };
const NEXT_STATE = { pendiente: 'en_preparacion', en_preparacion: 'en_camino', en_camino: 'entregado' };

/** Rendered at each request: the sign-in config changes while the local Auth emulator starts. */
export function kitchenPage(signIn: SignInConfig): string {
  const gateways = describeGateways();
  return render('kitchen', {}, {
    'sign-in': signIn,
    'kitchen-data': {
      stateLabels: STATE_LABELS,
      nextState: NEXT_STATE,
      gatewayNames: Object.fromEntries(gateways.map((g) => [g.id, g.name])),
      testGateways: gateways.filter((g) => g.testOnly).map((g) => g.id),
    },
  });
}
