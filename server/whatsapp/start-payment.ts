import type { Database } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { paymentLink } from '../conversation/messages.es-CO';
import type { PaymentStarter } from './run-turn';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import type { TPaymentRecord } from '../db/records';
import { queueMessages } from '../messaging/outbox';
import { maskPhone } from '../observability/logger';
import { adapters, isTestOnlyGateway } from '../payments/adapters';
import type { GatewayEnvironment } from '../payments/gateway';
import { environmentOf, type GatewayManager } from '../payments/gateway-manager';
import { paymentMethodsFor } from '../payments/payment-methods';

/**
 * Starts a payment for a `create_payment` effect: the pending record `pagos/{ref}`, its entry
 * in `pendingPayments/` and the customer's link message are written in one atomic update,
 * before any link exists at the gateway. The customer gets `{PUBLIC_BASE_URL}/pay/{ref}`,
 * which creates or builds the gateway checkout on first visit.
 */
export function paymentStarter(deps: {
  db: Database;
  logger: Logger;
  publicBaseUrl: string;
  /** Tells which environment the tenant's gateway credentials belong to, recorded on the payment. */
  gateways?: GatewayManager;
  /** Called once the record is durable (applies a gateway result that arrived first). */
  onRecorded?: (reference: string) => Promise<void>;
}): PaymentStarter {
  return {
    paymentMethods: paymentMethodsFor,
    async startPayment({ tenant, waId, nombreCliente, effect, now }) {
      const reference = effect.referencia;
      const recordPath = paths.payment(tenant.tenantId, reference);
      // The reference is derived from the message, so a retried turn finds its own record.
      if (await readValue(deps.db, recordPath)) return [];
      const url = `${deps.publicBaseUrl}/pay/${reference}`;
      // The environment of the keys the link will be made with: only events verified with that
      // environment's keys settle this payment (#12). The sandbox gateway never moves real money.
      const testOnly = isTestOnlyGateway(effect.gateway);
      const ctx = testOnly ? null : await deps.gateways?.context(tenant.tenantId, effect.gateway);
      const testEnvironment: GatewayEnvironment = 'sandbox';
      const entorno = testOnly ? testEnvironment : ctx ? environmentOf(ctx) : (tenant.payments[effect.gateway]?.environment ?? testEnvironment);
      const record: TPaymentRecord = {
        referencia: reference,
        tenantId: tenant.tenantId,
        estado: 'pendiente',
        monto: effect.draft.total,
        moneda: 'COP',
        cliente: waId,
        ...(nombreCliente ? { nombreCliente } : {}),
        direccion: effect.draft.direccion,
        ...(effect.draft.ubicacion ? { ubicacion: effect.draft.ubicacion } : {}),
        telefonoContacto: effect.draft.telefonoContacto,
        items: effect.draft.items,
        // #16: `monto` includes the fee; the gateway's amount must equal it exactly.
        ...(effect.draft.tipoEntrega ? { tipoEntrega: effect.draft.tipoEntrega, domicilio: effect.draft.domicilio ?? 0 } : {}),
        ...(effect.draft.programadoPara !== undefined ? { programadoPara: effect.draft.programadoPara } : {}),
        ...(effect.draft.ofrecerGuardarDatos ? { ofrecerGuardarDatos: true } : {}),
        fechaCreacion: now,
        gateway: effect.gateway,
        entorno,
        enlace: url,
      };
      const { queued, update } = queueMessages(
        [
          {
            outboxId: `enlace-${reference}`,
            tenantId: tenant.tenantId,
            to: waId,
            kind: 'enlace_pago',
            reply: paymentLink({
              total: record.monto,
              direccion: record.direccion,
              telefonoContacto: record.telefonoContacto,
              url,
              gatewayLabel: adapters[effect.gateway].displayName,
            }),
          },
        ],
        now,
      );
      await withTimeout(
        deps.db.ref().update({
          ...update,
          [recordPath]: record,
          [paths.pendingPayment(reference)]: { tenantId: tenant.tenantId, gateway: effect.gateway, createdAt: now },
          // The replaced link stays payable: an approval there is still honoured and audited.
          ...(effect.reemplaza ? { [`${paths.payment(tenant.tenantId, effect.reemplaza)}/reemplazadaPor`]: reference } : {}),
        }),
        'start payment',
      );
      deps.logger.info({ tenantId: tenant.tenantId, reference, gateway: effect.gateway, monto: record.monto, waId: maskPhone(waId) }, 'payment started');
      await deps.onRecorded?.(reference).catch((error: unknown) => deps.logger.error({ err: error, reference }, 'could not apply an early result; the reconciler will'));
      return queued;
    },
  };
}
