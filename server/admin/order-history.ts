import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ORDER_STATES, ZOrderRecordSchema } from '../db/records';
import { AppError, ErrorCode } from '../errors';
import { addDays, daysBetween, localTime, localToInstant } from '../restaurant/local-time';
import type { OrderView } from './queries';

/**
 * The owners' order history (#16): orders between two local dates of the restaurant, filtered
 * by state and payment method, with totals per day and a CSV export. The query is bounded by
 * the `timestamp` index and a limit, so its cost follows the range asked for.
 */

/** Longest range one request reads. */
export const HISTORY_MAX_DAYS = 93;
/** Most orders one request returns; `truncado` says when more matched. */
export const HISTORY_LIMIT = 5000;
/** Payment methods as the owner sees them: cash on delivery, no payment, or paid online (any gateway, or one). */
export const PAYMENT_FILTERS = ['contraentrega', 'sin_pago', 'en_linea'] as const;

const localDate = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'usa una fecha como 2026-01-31').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'esa fecha no existe');

export function historyQuerySchema(gatewayIds: readonly string[]) {
  return z
    .object({
      desde: localDate.optional(),
      hasta: localDate.optional(),
      /** One state or several separated by commas. */
      estado: z
        .string()
        .trim()
        .transform((s, ctx) => {
          if (!s || s === 'todos') return undefined;
          const states = s.split(',').map((x) => x.trim());
          for (const state of states) {
            if (!(ORDER_STATES as readonly string[]).includes(state)) {
              ctx.addIssue({ code: 'custom', message: `estado desconocido "${state.slice(0, 30)}"; usa ${ORDER_STATES.join(', ')}` });
              return z.NEVER;
            }
          }
          return states;
        })
        .optional(),
      metodo: z
        .string()
        .trim()
        .refine((m) => !m || m === 'todos' || (PAYMENT_FILTERS as readonly string[]).includes(m) || gatewayIds.includes(m), `usa ${[...PAYMENT_FILTERS, ...gatewayIds].join(', ')}`)
        .transform((m) => (!m || m === 'todos' ? undefined : m))
        .optional(),
    })
    .strict();
}
export type THistoryQuery = z.output<ReturnType<typeof historyQuerySchema>>;

export interface DayTotal {
  fecha: string;
  pedidos: number;
  /** Sum of `total` of the orders not cancelled or rejected. */
  ventas: number;
  /** Cancelled or rejected that day. */
  anulados: number;
}

export interface OrderHistory {
  desde: string;
  hasta: string;
  pedidos: OrderView[];
  dias: DayTotal[];
  totales: { pedidos: number; ventas: number; anulados: number };
  truncado: boolean;
}

const STOPPED = ['cancelado', 'rechazado'];

export function paymentKind(order: Pick<OrderView, 'pago'>): string {
  const p = order.pago;
  if (!p || p.estado === 'sin_pago') return 'sin_pago';
  if (p.estado === 'contraentrega') return 'contraentrega';
  return 'en_linea';
}

function matchesMethod(order: OrderView, metodo: string | undefined): boolean {
  if (!metodo) return true;
  if ((PAYMENT_FILTERS as readonly string[]).includes(metodo)) return paymentKind(order) === metodo;
  return order.pago?.estado === 'completado' && order.pago.gateway === metodo;
}

const rangeError = (userMessage: string) => new AppError(ErrorCode.INVALID_BODY, { userMessage });

export async function orderHistory(db: Database, tenantId: string, query: THistoryQuery, zone: string, now: number): Promise<OrderHistory> {
  const today = localTime(new Date(now), zone).fecha;
  const hasta = query.hasta ?? today;
  const desde = query.desde ?? hasta;
  if (daysBetween(desde, hasta) < 0) throw rangeError('"desde" va después de "hasta"');
  if (daysBetween(desde, hasta) >= HISTORY_MAX_DAYS) throw rangeError(`elige un rango de hasta ${HISTORY_MAX_DAYS} días`);
  const from = localToInstant(desde, 0, zone).getTime();
  const to = localToInstant(addDays(hasta, 1), 0, zone).getTime() - 1;
  const snap = await withTimeout(
    db.ref(paths.orders(tenantId)).orderByChild('timestamp').startAt(from).endAt(to).limitToFirst(HISTORY_LIMIT + 1).once('value'),
    'order history',
  );
  const pedidos: OrderView[] = [];
  let read = 0;
  snap.forEach((child) => {
    read++;
    if (read > HISTORY_LIMIT) return true;
    const parsed = ZOrderRecordSchema.safeParse(child.val());
    if (!parsed.success) return false;
    const order: OrderView = { ...(child.val() as Record<string, unknown>), ...parsed.data, key: child.key! };
    if ((!query.estado || query.estado.includes(order.estado)) && matchesMethod(order, query.metodo)) pedidos.push(order);
    return false;
  });
  pedidos.sort((a, b) => a.timestamp - b.timestamp);
  const byDay = new Map<string, DayTotal>();
  for (const o of pedidos) {
    const fecha = localTime(new Date(o.timestamp), zone).fecha;
    const day = byDay.get(fecha) ?? { fecha, pedidos: 0, ventas: 0, anulados: 0 };
    day.pedidos++;
    if (STOPPED.includes(o.estado)) day.anulados++;
    else day.ventas += o.total;
    byDay.set(fecha, day);
  }
  const dias = [...byDay.values()].sort((a, b) => a.fecha.localeCompare(b.fecha));
  const totales = dias.reduce((t, d) => ({ pedidos: t.pedidos + d.pedidos, ventas: t.ventas + d.ventas, anulados: t.anulados + d.anulados }), { pedidos: 0, ventas: 0, anulados: 0 });
  return { desde, hasta, pedidos, dias, totales, truncado: read > HISTORY_LIMIT };
}

/** One CSV field (RFC 4180): quoted when it holds a quote, separator or line break; a leading = + - @ is defused so a spreadsheet never runs it. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** "31/01/2026 14:05" in the restaurant's time zone. */
export function formatDateTimeEsCO(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('es-CO', { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

const CSV_COLUMNS = ['Fecha', 'Pedido', 'Estado', 'Cliente', 'Teléfono', 'Entrega', 'Dirección', 'Productos', 'Domicilio', 'Total', 'Pago', 'Medio de pago', 'Motivo', 'Reembolso pendiente'];

const lineText = (i: OrderView['items'][number]) =>
  `${i.cantidad} x ${i.nombre}${i.opciones?.length ? ` (${i.opciones.map((o) => o.valor).join(', ')})` : ''}${i.nota ? ` [${i.nota}]` : ''}`;

/** The history as CSV: a BOM so spreadsheets read the accents, CRLF line ends, integer pesos, es-CO dates. */
export function historyCsv(history: OrderHistory, zone: string, gatewayNames: Record<string, string>): string {
  const rows = history.pedidos.map((o) => [
    formatDateTimeEsCO(o.timestamp, zone),
    o.id,
    o.estado,
    o.nombreCliente ?? '',
    o.telefonoContacto || o.telefono,
    o.tipoEntrega === 'recoger' ? 'recoger' : 'domicilio',
    o.tipoEntrega === 'recoger' ? '' : o.direccion,
    o.items.map(lineText).join('; '),
    o.domicilio ?? 0,
    o.total,
    paymentKind(o),
    o.pago?.gateway ? (gatewayNames[o.pago.gateway] ?? o.pago.gateway) + (o.pago.metodoPago ? ` ${o.pago.metodoPago}` : '') : '',
    o.motivo ?? '',
    o.reembolsoPendiente ? 'sí' : '',
  ]);
  return '\uFEFF' + [CSV_COLUMNS, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
