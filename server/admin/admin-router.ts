import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { isTenantId } from '../db/paths';
import { validationErrorMap } from '../validation-messages';
import type { z } from 'zod';
import { AppError, ErrorCode } from '../errors';
import type { OutboxDeps } from '../messaging/outbox';
import { describeGateways, GATEWAY_IDS, isGatewayId } from '../payments/adapters';
import { zoneOf } from '../restaurant/opening-hours';
import type { GatewayManager } from '../payments/gateway-manager';
import type { SecretsKey } from '../tenants/secrets-crypto';
import type { TenantStore } from '../tenants/tenant-store';
import { assertTenantAccess, authenticate, identityOf, MAX_CREATED_TENANTS, type AccessScope, type ClaimsWriter, type TokenVerifier } from './auth';
import { createTenant, getRestaurant, sendTestMessage, updateRestaurant, ZNewTenantSchema, ZRestaurantUpdateSchema, ZTestMessageSchema } from './restaurant-admin';
import type { KitchenEvent, KitchenFeed } from './kitchen-feed';
import { getMenu, replaceMenu, ZMenuUpdateSchema } from './menu-settings';
import { assertCustomerId, getConversation, handBack, listStaffRequests, sendStaffMessage, ZStaffMessageSchema } from './conversations';
import { getPause, listAvailability, pause, resume, setAvailability, ZAvailabilityUpdateSchema, ZPauseUpdateSchema } from './kitchen-controls';
import { historyCsv, historyQuerySchema, orderHistory } from './order-history';
import { changeOrderStatus, getOrder, ZOrderStatusUpdateSchema } from './order-status';
import {
  getAtencion,
  getDomicilios,
  getHorario,
  getItemOptions,
  replaceAtencion,
  replaceDomicilios,
  replaceHorario,
  replaceItemOptions,
  ZAtencionUpdateSchema,
  ZDomiciliosUpdateSchema,
  ZHorarioUpdateSchema,
  ZItemOptionsUpdateSchema,
} from './restaurant-settings';
import { getTemplates, replaceTemplates, ZTemplatesUpdateSchema } from './template-settings';
import { getPaymentsSettings, testGatewayCredentials, updatePaymentsSettings, ZPaymentsSettingsUpdateSchema } from './payments-settings';
import { listAlerts, listOrders, listPayments, ZOrdersQuerySchema, ZPaymentsQuerySchema } from './queries';

/** Owners read the reasons on the Spanish owners' page: problems in words, in Spanish (#17). */
const ownerMessages = { error: validationErrorMap('es') };
const parseInput = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => schema.parse(value, ownerMessages);

const ORDER_KEY_PATTERN = /^[A-Za-z0-9_-]{1,120}$/;

/** Settings and menus are small; anything larger is not one. */
const ADMIN_BODY_LIMIT = '200kb';
/** Proxies drop connections that stay silent; a comment line keeps the stream open. */
const STREAM_HEARTBEAT_MS = 20_000;
/** setTimeout's ceiling; tokens last an hour, so this only guards odd clocks. */
const MAX_TIMER_MS = 2_147_483_647;

export interface AdminDeps {
  db: Database;
  logger: Logger;
  now: () => number;
  tenants: TenantStore;
  gateways: GatewayManager;
  secretsKey: SecretsKey;
  /** Delivers the customer notices of status changes. */
  outbox: OutboxDeps;
  kitchenFeed: KitchenFeed;
  verifier: TokenVerifier;
  /** Gives an owner the restaurant they just created (#17). */
  claims: ClaimsWriter;
}

/**
 * The owners' and kitchen's API under `/api/admin`: JSON in and out, bodies checked with
 * strict zod schemas, every route behind a Firebase ID token. Owners reach only their tenant,
 * staff only its orders, admins everything (server/admin/auth.ts).
 */
export function adminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: ADMIN_BODY_LIMIT }));
  const auth = authenticate(deps.verifier);

  /** Checks the tenant id, the caller's access, then that the tenant exists (in that order, so strangers learn nothing). */
  const tenantGuard = (scope: AccessScope) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const tenantId = String(req.params.tenantId);
      if (!isTenantId(tenantId)) throw new AppError(ErrorCode.UNKNOWN_TENANT, { userMessage: 'no existe ese restaurante' });
      assertTenantAccess(identityOf(res), tenantId, scope);
      if (!(await deps.tenants.getTenant(tenantId))) throw new AppError(ErrorCode.UNKNOWN_TENANT, { userMessage: `no existe el restaurante "${tenantId}"` });
      res.locals.tenantId = tenantId;
      next();
    } catch (error) {
      next(error);
    }
  };
  const tenantOf = (res: Response) => res.locals.tenantId as string;
  const settingsDeps = { db: deps.db, tenants: deps.tenants, secretsKey: deps.secretsKey, gateways: deps.gateways, now: deps.now };

  router.get('/me', auth, (_req, res) => {
    const { uid, role, tenantId, tenantIds, email } = identityOf(res);
    res.json({ uid, role, tenantId, tenantIds, email: email ?? null });
  });

  // A restaurant from the owners' page (#17). Any signed-in owner may create a NEW one, which
  // is added to their own claims; they can edit only the restaurants in their claims.
  router.post('/tenants', auth, async (req, res) => {
    const identity = identityOf(res);
    if (identity.role !== 'owner') throw new AppError(ErrorCode.FORBIDDEN, { userMessage: 'solo un dueño puede crear restaurantes' });
    if (identity.tenantIds.length > MAX_CREATED_TENANTS) throw new AppError(ErrorCode.FORBIDDEN, { userMessage: `ya tienes ${identity.tenantIds.length} restaurantes; para más, pide al administrador (npm run tenant -- import)` });
    const body = parseInput(ZNewTenantSchema, req.body);
    const created = await createTenant({ db: deps.db, tenants: deps.tenants, secretsKey: deps.secretsKey, logger: deps.logger }, body);
    try {
      await deps.claims.addTenant(identity.uid, created.tenantId);
    } catch (error) {
      await created.rollback().catch((e: unknown) => deps.logger.error({ err: e, tenantId: created.tenantId }, 'could not remove a tenant whose owner claims failed'));
      throw error;
    }
    deps.logger.info({ tenantId: created.tenantId, by: identity.uid }, 'tenant created from the owners page');
    res.status(201).json(await getRestaurant(settingsDeps, created.tenantId));
  });

  router.get('/tenants/:tenantId/restaurant', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getRestaurant(settingsDeps, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/restaurant', auth, tenantGuard('settings'), async (req, res) => {
    const body = parseInput(ZRestaurantUpdateSchema, req.body);
    const view = await updateRestaurant(settingsDeps, tenantOf(res), body);
    deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid, changed: Object.keys(body) }, 'restaurant settings changed');
    res.json(view);
  });
  router.post('/tenants/:tenantId/whatsapp/test', auth, tenantGuard('settings'), async (req, res) => {
    const { to } = parseInput(ZTestMessageSchema, req.body);
    res.json(await sendTestMessage({ tenants: deps.tenants, graph: deps.outbox.graph, logger: deps.logger }, tenantOf(res), to));
  });

  // GET /payments answers the settings; with ?estado= it lists payment records for support
  // (the issue names both on one path). /pagos is the unambiguous name for the list.
  router.get('/tenants/:tenantId/payments', auth, tenantGuard('settings'), async (req, res) => {
    if ('estado' in req.query) {
      res.json({ pagos: await listPayments(deps.db, tenantOf(res), parseInput(ZPaymentsQuerySchema, req.query)) });
      return;
    }
    res.json(await getPaymentsSettings(settingsDeps, tenantOf(res)));
  });
  router.get('/tenants/:tenantId/pagos', auth, tenantGuard('settings'), async (req, res) => {
    res.json({ pagos: await listPayments(deps.db, tenantOf(res), parseInput(ZPaymentsQuerySchema, { estado: 'todos', ...req.query })) });
  });
  router.put('/tenants/:tenantId/payments', auth, tenantGuard('settings'), async (req, res) => {
    const body = parseInput(ZPaymentsSettingsUpdateSchema, req.body);
    const view = await updatePaymentsSettings(settingsDeps, tenantOf(res), body);
    deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid, enabled: view.enabled, efectivo: view.efectivo, changed: Object.keys(body) }, 'payment settings changed');
    res.json(view);
  });
  router.post('/tenants/:tenantId/payments/:gateway/test', auth, tenantGuard('settings'), async (req, res) => {
    const gateway = String(req.params.gateway);
    if (!isGatewayId(gateway)) throw new AppError(ErrorCode.UNKNOWN_GATEWAY, { userMessage: `pasarela desconocida "${gateway.slice(0, 20)}"; usa ${GATEWAY_IDS.slice(0, -1).join(', ')} o ${GATEWAY_IDS.at(-1)}` });
    res.json(await testGatewayCredentials(settingsDeps, tenantOf(res), gateway));
  });

  router.get('/tenants/:tenantId/menu', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getMenu(deps.db, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/menu', auth, tenantGuard('settings'), async (req, res) => {
    const body = parseInput(ZMenuUpdateSchema, req.body);
    res.json(await replaceMenu(deps, tenantOf(res), body));
  });

  // Restaurant settings of #16, owners only: hours, delivery zones, handoff, one item's options.
  const logChange = (res: Response, what: string) => deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid }, `${what} changed`);
  router.get('/tenants/:tenantId/horario', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getHorario(deps.db, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/horario', auth, tenantGuard('settings'), async (req, res) => {
    const view = await replaceHorario(deps, tenantOf(res), parseInput(ZHorarioUpdateSchema, req.body));
    logChange(res, 'opening hours');
    res.json(view);
  });
  router.get('/tenants/:tenantId/domicilios', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getDomicilios(deps.db, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/domicilios', auth, tenantGuard('settings'), async (req, res) => {
    const view = await replaceDomicilios(deps, tenantOf(res), parseInput(ZDomiciliosUpdateSchema, req.body));
    logChange(res, 'delivery zones');
    res.json(view);
  });
  router.get('/tenants/:tenantId/atencion', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getAtencion(deps.db, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/atencion', auth, tenantGuard('settings'), async (req, res) => {
    const view = await replaceAtencion(deps, tenantOf(res), parseInput(ZAtencionUpdateSchema, req.body));
    logChange(res, 'handoff settings');
    res.json(view);
  });
  router.get('/tenants/:tenantId/menu/:itemId/opciones', auth, tenantGuard('settings'), async (req, res) => {
    res.json(await getItemOptions(deps.db, tenantOf(res), String(req.params.itemId)));
  });
  router.put('/tenants/:tenantId/menu/:itemId/opciones', auth, tenantGuard('settings'), async (req, res) => {
    const body = parseInput(ZItemOptionsUpdateSchema, req.body);
    const view = await replaceItemOptions(deps, tenantOf(res), String(req.params.itemId), body);
    logChange(res, 'item options');
    res.json(view);
  });

  // Utility templates for notices outside the 24-hour window (#15).
  router.get('/tenants/:tenantId/whatsapp/plantillas', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await getTemplates(deps.db, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/whatsapp/plantillas', auth, tenantGuard('settings'), async (req, res) => {
    res.json(await replaceTemplates(deps, tenantOf(res), parseInput(ZTemplatesUpdateSchema, req.body)));
  });

  router.get('/tenants/:tenantId/orders', auth, tenantGuard('orders'), async (req, res) => {
    res.json({ pedidos: await listOrders(deps.db, tenantOf(res), parseInput(ZOrdersQuerySchema, req.query), deps.now()) });
  });
  router.get('/tenants/:tenantId/orders/stream', authenticate(deps.verifier, { allowQueryToken: true }), tenantGuard('orders'), (req, res) => {
    streamOrders(deps, req, res, tenantOf(res));
  });
  // Order history for owners (#16): JSON with totals per day, and the same rows as CSV.
  const historyQuery = historyQuerySchema(GATEWAY_IDS);
  const historyOf = async (req: Request, res: Response) => {
    const query = parseInput(historyQuery, req.query);
    const tenant = await deps.tenants.getTenant(tenantOf(res));
    const zone = zoneOf(tenant?.horario);
    return { zone, history: await orderHistory(deps.db, tenantOf(res), query, zone, deps.now()) };
  };
  router.get('/tenants/:tenantId/orders/history', auth, tenantGuard('settings'), async (req, res) => {
    res.json((await historyOf(req, res)).history);
  });
  router.get('/tenants/:tenantId/orders.csv', auth, tenantGuard('settings'), async (req, res) => {
    const { zone, history } = await historyOf(req, res);
    const names = Object.fromEntries(describeGateways().map((g) => [g.id, g.name]));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="pedidos-${tenantOf(res)}-${history.desde}-${history.hasta}.csv"`);
    res.send(historyCsv(history, zone, names));
  });
  router.get('/tenants/:tenantId/orders/:orderKey', auth, tenantGuard('orders'), async (req, res) => {
    const orderKey = String(req.params.orderKey);
    if (!ORDER_KEY_PATTERN.test(orderKey)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese pedido' });
    res.json({ pedido: await getOrder(deps.db, tenantOf(res), orderKey) });
  });
  router.patch('/tenants/:tenantId/orders/:orderKey', auth, tenantGuard('orders'), async (req, res) => {
    const body = parseInput(ZOrderStatusUpdateSchema, req.body);
    const orderKey = String(req.params.orderKey);
    if (!ORDER_KEY_PATTERN.test(orderKey)) throw new AppError(ErrorCode.NOT_FOUND, { userMessage: 'no existe ese pedido' });
    const { order, from } = await changeOrderStatus(
      { db: deps.db, logger: deps.logger, now: deps.now, outbox: deps.outbox },
      { tenantId: tenantOf(res), orderKey, estado: body.estado, ...(body.motivo ? { motivo: body.motivo } : {}), by: identityOf(res).uid },
    );
    res.json({ pedido: { ...order, key: orderKey }, estadoAnterior: from });
  });

  router.get('/tenants/:tenantId/alerts', auth, tenantGuard('settings'), async (_req, res) => {
    res.json(await listAlerts(deps.db, tenantOf(res)));
  });

  // The kitchen's one-tap controls (#16): sold-out items and pauses, for staff and owners.
  const controlsDeps = { db: deps.db, tenants: deps.tenants, now: deps.now };
  router.get('/tenants/:tenantId/disponibilidad', auth, tenantGuard('orders'), async (_req, res) => {
    res.json(await listAvailability(controlsDeps, tenantOf(res)));
  });
  router.patch('/tenants/:tenantId/disponibilidad/:itemId', auth, tenantGuard('orders'), async (req, res) => {
    const body = parseInput(ZAvailabilityUpdateSchema, req.body);
    const item = await setAvailability(controlsDeps, tenantOf(res), String(req.params.itemId), body);
    deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid, itemId: item.itemId, disponible: item.disponible }, 'menu item availability changed');
    res.json({ item });
  });
  router.get('/tenants/:tenantId/pausa', auth, tenantGuard('orders'), async (_req, res) => {
    res.json(await getPause(controlsDeps, tenantOf(res)));
  });
  router.put('/tenants/:tenantId/pausa', auth, tenantGuard('orders'), async (req, res) => {
    const body = parseInput(ZPauseUpdateSchema, req.body);
    const view = await pause(controlsDeps, tenantOf(res), body);
    deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid, tipo: body.tipo, hasta: view.pausa[body.tipo] }, 'orders paused');
    res.json(view);
  });
  router.delete('/tenants/:tenantId/pausa/:tipo', auth, tenantGuard('orders'), async (req, res) => {
    const view = await resume(controlsDeps, tenantOf(res), String(req.params.tipo));
    deps.logger.info({ tenantId: tenantOf(res), by: identityOf(res).uid, tipo: String(req.params.tipo).slice(0, 20) }, 'orders resumed');
    res.json(view);
  });

  // Staff take over a chat (#16): kitchen staff and owners alike.
  const conversationDeps = { db: deps.db, logger: deps.logger, now: deps.now, outbox: deps.outbox };
  router.get('/tenants/:tenantId/conversations', auth, tenantGuard('orders'), async (_req, res) => {
    res.json({ conversaciones: await listStaffRequests(deps.db, tenantOf(res)) });
  });
  router.get('/tenants/:tenantId/conversations/:customer', auth, tenantGuard('orders'), async (req, res) => {
    res.json(await getConversation(deps.db, tenantOf(res), assertCustomerId(String(req.params.customer))));
  });
  router.post('/tenants/:tenantId/conversations/:customer/messages', auth, tenantGuard('orders'), async (req, res) => {
    const waId = assertCustomerId(String(req.params.customer));
    const body = parseInput(ZStaffMessageSchema, req.body);
    res.json(await sendStaffMessage(conversationDeps, { tenantId: tenantOf(res), waId, texto: body.texto, by: identityOf(res).uid }));
  });
  router.post('/tenants/:tenantId/conversations/:customer/handback', auth, tenantGuard('orders'), async (req, res) => {
    const waId = assertCustomerId(String(req.params.customer));
    res.json(await handBack(conversationDeps, { tenantId: tenantOf(res), waId, by: identityOf(res).uid }));
  });

  return router;
}

/**
 * Server-sent events for the kitchen board: every recent order once, then `event: listo`, then
 * each change, as `event: pedido` / `event: eliminado`. The stream ends when the ID token expires
 * (`event: expirado`), so the page signs in again with a fresh token.
 */
function streamOrders(deps: AdminDeps, req: Request, res: Response, tenantId: string): void {
  const identity = identityOf(res);
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Connection', 'keep-alive');
  // Nginx and similar proxies buffer responses unless told not to.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  let open = true;
  const write = (event: string, data: unknown) => {
    if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe();
    res.end();
  };
  const heartbeat = setInterval(() => open && res.write(': ping\n\n'), STREAM_HEARTBEAT_MS);
  const expiry = setTimeout(
    () => {
      write('expirado', { mensaje: 'la sesión venció; inicia sesión de nuevo' });
      finish();
    },
    Math.max(0, Math.min(MAX_TIMER_MS, identity.expiresAtMs - deps.now())),
  );
  const unsubscribe = deps.kitchenFeed.subscribe(
    tenantId,
    (event: KitchenEvent) => {
      if (event.type === 'order') write('pedido', event.order);
      else if (event.type === 'removed') write('eliminado', { key: event.key });
      else write('listo', {});
    },
    finish,
  );
  req.on('close', finish);
}
