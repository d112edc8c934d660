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
  // The ticket loads its order through the API with the board's sign-in, so the page itself holds no order data.
  router.get('/kitchen/ticket/:orderKey', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const orderKey = String(req.params.orderKey);
    if (!ORDER_KEY_PATTERN.test(orderKey)) {
      res.status(404).type('text').send('No existe ese pedido.');
      return;
    }
    res.type('html').send(ticketPage(signIn, orderKey));
  });
  return router;
}

/** How staff pages name each order state (board, ticket, owners' history). */
export const STATE_LABELS = {
  pendiente: 'Nuevo',
  aceptado: 'Aceptado',
  en_preparacion: 'En preparación',
  en_camino: 'En camino',
  entregado: 'Entregado',
  cancelado: 'Cancelado',
  rechazado: 'Rechazado',
};

const ORDER_KEY_PATTERN = /^[A-Za-z0-9_-]{1,120}$/;

/** Rendered at each request: the sign-in config changes while the local Auth emulator starts. */
export function kitchenPage(signIn: SignInConfig): string {
  const gateways = describeGateways();
  return render('kitchen', {}, {
    'sign-in': signIn,
    'kitchen-data': {
      stateLabels: STATE_LABELS,
      gatewayNames: Object.fromEntries(gateways.map((g) => [g.id, g.name])),
      testGateways: gateways.filter((g) => g.testOnly).map((g) => g.id),
    },
  });
}

/** `/kitchen/ticket/{orderKey}`: an 80 mm ticket rendered in the browser from the order API (#16). */
export function ticketPage(signIn: SignInConfig, orderKey: string): string {
  return render('kitchen-ticket', {}, {
    'sign-in': signIn,
    'ticket-data': { orderKey, stateLabels: STATE_LABELS, gatewayNames: Object.fromEntries(describeGateways().map((g) => [g.id, g.name])) },
  });
}
