import { STATE_LABELS } from './kitchen-page';
import express, { type Router } from 'express';
import { WHATSAPP_TEMPLATE_KEYS } from '../db/records';
import { describeGateways } from '../payments/adapters';
import { WEEKDAYS } from '../tenants/restaurant-settings';
import type { SignInConfig } from './kitchen-signin';
import { render } from './views';

/**
 * The owners' order pages (#16): `/admin/pedidos`, the history with filters, totals per day
 * and CSV export (`views/admin-orders.eta`), and `/admin/conversaciones`, customers who asked
 * for a person, with the transcript, a reply box and "Devolver al bot"
 * (`views/admin-conversations.eta`), and `/admin/restaurante`, the restaurant settings: hours,
 * delivery zones, item options, handoff and WhatsApp templates (`views/admin-restaurant.eta`). Both talk to `/api/admin` with the signed-in ID token.
 */
export function adminOrdersPageRouter(signIn: SignInConfig): Router {
  const router = express.Router();
  router.get('/admin/pedidos', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(ordersHistoryPage(signIn));
  });
  router.get('/admin/restaurante', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(restaurantSettingsPage(signIn));
  });
  router.get('/admin/conversaciones', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(conversationsPage(signIn));
  });
  return router;
}


export function ordersHistoryPage(signIn: SignInConfig): string {
  const methods = [
    { id: 'contraentrega', name: 'Contra entrega' },
    { id: 'sin_pago', name: 'Sin pago en línea' },
    { id: 'en_linea', name: 'En línea (todas)' },
    ...describeGateways().map((g) => ({ id: g.id, name: g.name })),
  ];
  return render('admin-orders', {}, { 'sign-in': signIn, 'orders-data': { stateLabels: STATE_LABELS, methods } });
}

export function conversationsPage(signIn: SignInConfig): string {
  return render('admin-conversations', {}, { 'sign-in': signIn });
}

const WEEKDAY_LABELS: Record<(typeof WEEKDAYS)[number], string> = { lun: 'Lunes', mar: 'Martes', mie: 'Miércoles', jue: 'Jueves', vie: 'Viernes', sab: 'Sábado', dom: 'Domingo' };
const TEMPLATE_LABELS: Record<(typeof WHATSAPP_TEMPLATE_KEYS)[number], string> = {
  pago_confirmado: 'Pago confirmado',
  pago_rechazado: 'Pago rechazado',
  pago_expirado: 'Pago vencido',
  pedido_en_camino: 'Pedido en camino',
  pedido_entregado: 'Pedido entregado',
  pedido_cancelado: 'Pedido cancelado',
};

export function restaurantSettingsPage(signIn: SignInConfig): string {
  return render('admin-restaurant', {}, {
    'sign-in': signIn,
    'restaurant-data': {
      dias: WEEKDAYS.map((id) => ({ id, nombre: WEEKDAY_LABELS[id] })),
      plantillas: WHATSAPP_TEMPLATE_KEYS.map((id) => ({ id, nombre: TEMPLATE_LABELS[id] })),
    },
  });
}
