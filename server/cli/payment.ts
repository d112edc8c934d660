import { randomUUID } from 'node:crypto';
import { resolveGraphBaseUrl } from '../config';
import { connectDatabase, readValue, withTimeout } from '../db/firebase';
import { LiveCache } from '../db/live-cache';
import { keyFor, paths, tenantOfReference } from '../db/paths';
import { ZPaymentRecordSchema } from '../db/records';
import { confirmPayment, ensurePaidOrder, orderKeyForPayment, type ConfirmPaymentDeps } from '../orders/confirm-payment';
import { deliverMessages, type OutboxDeps } from '../messaging/outbox';
import { createLogger } from '../observability/logger';
import { GATEWAY_SIGNATURE_HEADERS } from '../payments/adapters';
import { environmentOf, GatewayManager } from '../payments/gateway-manager';
import { SecretsKey } from '../tenants/secrets-crypto';
import { TenantStore } from '../tenants/tenant-store';
import { GraphClient } from '../messaging/graph-client';
import { die, loadCliEnv } from './cli-env';

const USAGE = `Usage:
  npm run payment -- show <referencia>
      the payment record, its audit events, its order and its WhatsApp messages
  npm run payment -- reprocess <tenantId> <referencia>
      asks the gateway for the payment's result and runs the confirmation path (safe to repeat)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const reference = command === 'show' ? args[0] : command === 'reprocess' ? args[1] : undefined;
  const tenantId = command === 'reprocess' ? args[0] : reference ? tenantOfReference(reference) : null;
  if (!reference || !tenantId) die(USAGE);
  if (tenantOfReference(reference) !== tenantId) die(`"${reference}" is not a payment reference of tenant "${tenantId}"`);

  const env = loadCliEnv();
  const key = env.config.SECRETS_KEY ?? env.demoSecrets?.SECRETS_KEY;
  if (!key) die('SECRETS_KEY is not set');
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: process.stdout.isTTY, secretHeaders: GATEWAY_SIGNATURE_HEADERS });
  const connection = connectDatabase({ url: env.databaseUrl, projectId: env.config.FIREBASE_PROJECT_ID, name: 'payment-cli' });
  const db = connection.db;
  const live = new LiveCache(db);
  try {
    const record = await readValue(db, paths.payment(tenantId, reference));
    if (!record) die(`no payment ${reference} in tenant ${tenantId}`);
    if (command === 'show') {
      await show(db, tenantId, reference, record);
      return;
    }
    const tenants = new TenantStore(live, new SecretsKey(key));
    const publicBaseUrl = env.config.PUBLIC_BASE_URL ?? `http://localhost:${env.config.PORT}`;
    const graphBaseUrl = resolveGraphBaseUrl(env.config);
    const outbox: OutboxDeps = { db, graph: new GraphClient({ baseUrl: graphBaseUrl }), tenants, logger, now: Date.now };
    const confirm: ConfirmPaymentDeps = { db, tenants, logger, now: Date.now, estimatedDeliveryTime: env.config.ESTIMATED_DELIVERY_TIME, owner: `cli-${randomUUID().slice(0, 8)}` };
    const gateways = new GatewayManager((tenantId, gateway) => tenants.gatewayCredentials(tenantId, gateway), {
      variables: env.config.gatewayUrls,
      publicBaseUrl,
    });
    const payment = ZPaymentRecordSchema.parse(record);
    if (payment.estado === 'completado') {
      const outcome = await ensurePaidOrder(confirm, tenantId, payment);
      await deliverMessages(outbox, outcome.queued);
      process.stdout.write(`Payment already completado; order #${outcome.pedidoId} ${outcome.queued.length ? 'created now' : 'exists'}.\n`);
      return;
    }
    const adapter = gateways.adapter(payment.gateway);
    if (!adapter.capabilities.statusLookup) die(`${payment.gateway} cannot be asked for results; its webhook is the only source.`);
    const ctx = await gateways.context(tenantId, payment.gateway);
    if (!ctx) die(`tenant ${tenantId} has no valid ${payment.gateway} credentials`);
    const result = await adapter.fetchResult(reference, ctx);
    if (!result) {
      process.stdout.write(`${payment.gateway} knows nothing about ${reference} yet (the payer has not reached the checkout). Estado: ${payment.estado}.\n`);
      return;
    }
    const outcome = await confirmPayment(confirm, { tenantId, result, source: 'support', environment: environmentOf(ctx) });
    await deliverMessages(outbox, outcome.queued);
    process.stdout.write(
      `${payment.gateway} says ${result.status} (transaction ${result.transactionId}). Outcome: ${outcome.outcome}; estado now ${outcome.estado ?? payment.estado}` +
        `${outcome.pedidoId ? `; order #${outcome.pedidoId}` : ''}.\n`,
    );
  } finally {
    live.close();
    await connection.close();
  }
}

async function show(db: ReturnType<typeof connectDatabase>['db'], tenantId: string, reference: string, record: unknown): Promise<void> {
  const events = (await withTimeout(db.ref(paths.paymentEvents(tenantId)).orderByChild('referencia').equalTo(reference).once('value'), 'events')).val() as Record<string, Record<string, unknown>> | null;
  const order = await readValue(db, paths.order(tenantId, orderKeyForPayment(reference)));
  const transactionIds = [...new Set(Object.values(events ?? {}).map((e) => String(e.transaccionId)))];
  const outboxIds = [
    `enlace-${reference}`,
    `pedido-${orderKeyForPayment(reference)}-0`,
    `recordatorio-${reference}`,
    `expirado-${reference}`,
    `revision-${reference}`,
    ...transactionIds.flatMap((t) => [0, 1, 2].map((i) => `rechazo-${keyFor(`${reference}:${t}`)}-${i}`)),
  ];
  const messages: Record<string, unknown> = {};
  for (const id of outboxIds) {
    const entry = await readValue<Record<string, unknown>>(db, paths.outboxMessage(id));
    if (entry) messages[id] = { kind: entry.kind, estado: entry.estado, intentos: entry.intentos, enviado: entry.enviado, ultimoError: entry.ultimoError };
  }
  const pending = await readValue(db, paths.pendingPayment(reference));
  const out = {
    pago: record,
    pendiente: pending,
    pedido: order,
    eventos: Object.values(events ?? {}).sort((a, b) => Number(a.timestamp) - Number(b.timestamp)),
    mensajes: messages,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void main(process.argv.slice(2))
  .then(() => process.exit(0))
  .catch((error: unknown) => die(`failed: ${(error as Error).message}`));
