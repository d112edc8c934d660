/**
 * Ordinary questions a customer asks in the middle of an order ("¿cuánto vale la hamburguesa?",
 * "¿tienen pizza?", "¿puedo pagar con nequi?", "¿a qué hora cierran?", "ya pedí y no ha
 * llegado"), recognized from the words of the message. Pure: step() answers them from the
 * tenant's data and keeps the cart and the step as they were.
 */
import type { InboundInput } from './types';
import { capInput, normalize } from './text';

export type InfoQuestion =
  | { kind: 'hours' }
  | { kind: 'delivery'; cost: boolean }
  | { kind: 'payment'; method?: string }
  | { kind: 'order_status' }
  /** "¿tienen pizza?", "cuánto vale la hamburguesa": `subject` is what they asked about. */
  | { kind: 'product'; subject: string; price: boolean };

const PAYMENT_WORDS: Readonly<Record<string, string>> = {
  nequi: 'nequi', daviplata: 'daviplata', tarjeta: 'tarjeta', tarjetas: 'tarjeta', credito: 'tarjeta', debito: 'tarjeta', datafono: 'tarjeta',
  efectivo: 'efectivo', contraentrega: 'efectivo', pse: 'pse', transferencia: 'transferencia', bancolombia: 'bancolombia', qr: 'qr',
};
const ASKING = new Set(['puedo', 'puede', 'podemos', 'aceptan', 'acepta', 'reciben', 'recibe', 'manejan', 'maneja', 'tienen', 'hay', 'se', 'sirve', 'como', 'cuales', 'que']);
const PRODUCT_ASK = new Set(['tienen', 'tiene', 'tenes', 'hay', 'venden', 'vende', 'manejan', 'maneja', 'hacen']);
const PRICE_ASK = ['cuanto vale', 'cuanto valen', 'cuanto cuesta', 'cuanto cuestan', 'que precio tiene', 'precio de', 'precio del', 'cuanto sale', 'cuanto salen', 'a como', 'a cuanto', 'valor de', 'valor del', 'cuanto esta', 'cuanto estan'];
const STATUS = ['no ha llegado', 'no me ha llegado', 'no llega', 'no han llegado', 'ya pedi', 'donde esta mi pedido', 'donde va mi pedido', 'cuanto se demora', 'cuanto falta', 'se demora mucho', 'estado de mi pedido', 'como va mi pedido', 'ya viene', 'ya salio', 'mi domicilio no', 'y mi pedido', 'hace rato pedi', 'que paso con mi pedido'];
const HOURS = ['a que hora', 'horario', 'horarios', 'estan abiertos', 'esta abierto', 'abren hoy', 'atienden hoy', 'hasta que hora', 'cierran', 'abren', 'estan atendiendo', 'atienden'];

/** The question a text asks, or null when it is not one of these (an order, an answer, a command). */
export function infoQuestionOf(input: InboundInput): InfoQuestion | null {
  if (input.kind !== 'text') return null;
  const text = ` ${normalize(capInput(input.text))} `;
  const has = (phrase: string): boolean => text.includes(` ${phrase} `);
  const words = text.trim().split(' ');
  if (words.length > 20) return null;

  if (STATUS.some(has)) return { kind: 'order_status' };
  if (HOURS.some(has)) return { kind: 'hours' };
  if (has('domicilio') || has('domicilios') || has('envio') || has('envios') || has('delivery') || has('llevan') || has('entregan')) {
    return { kind: 'delivery', cost: has('cuanto') || has('valor') || has('cobran') || has('cuesta') || has('vale') || has('precio') };
  }
  const method = words.map((word) => PAYMENT_WORDS[word]).find((value) => value !== undefined);
  const aboutPaying = words.some((word) => ['pagar', 'pago', 'pagos', 'paga'].includes(word));
  if ((method && (aboutPaying || words.some((word) => ASKING.has(word)))) || has('formas de pago') || has('medios de pago') || has('metodos de pago') || has('como pago') || has('como puedo pagar')) {
    return { kind: 'payment', ...(method ? { method } : {}) };
  }
  const price = PRICE_ASK.find(has);
  if (price) {
    const subject = text.slice(text.indexOf(` ${price} `) + price.length + 2).trim();
    return subject ? { kind: 'product', subject, price: true } : null;
  }
  const first = words.find((word) => !['y', 'oiga', 'oye', 'hola', 'buenas', 'vecino', 'vecina', 'disculpe', 'disculpa', 'una', 'pregunta', 'ustedes', 'sera', 'que'].includes(word));
  if (first && PRODUCT_ASK.has(first)) {
    const subject = words.slice(words.indexOf(first) + 1).join(' ').trim();
    return subject ? { kind: 'product', subject, price: false } : null;
  }
  return null;
}
