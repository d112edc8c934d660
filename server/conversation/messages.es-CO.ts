/**
 * Every customer-facing text of the bot, in Colombian Spanish, as WhatsApp `Reply` objects.
 * Tone follows the seed: short, friendly, WhatsApp *bold* markup, an emoji per message at most
 * a few. Builders keep every reply inside WhatsApp's size limits (WHATSAPP_LIMITS) and always
 * leave a typed alternative next to buttons and lists, so a customer whose client does not show
 * interactive messages can still type.
 */
import { formatCOP } from '../money';
import type { CartLine, ConversationStep, MenuItem, PaymentMethodOption, Reply } from './types';
import type { OrderTextProblem } from './parse-order-text';
import { formatColombianMobile } from './phone';
import { MAX_CART_TOTAL_COP, MAX_QTY_PER_LINE, cartTotal, cartUnits } from './state';
import { sanitizeEcho, truncate } from './text';

/** WhatsApp Cloud API size limits (reference/whatsapp-cloud-api.md §5.4–5.7), in UTF-16 units. */
export const WHATSAPP_LIMITS = {
  textBody: 4096,
  /** Buttons and CTA URL bodies allow 1024; lists allow 4096, but we hold them to 1024 too. */
  interactiveBody: 1024,
  /** What the Graph API accepts in a list body; the builders here still keep lists to 1024. */
  listBody: 4096,
  header: 60,
  footer: 60,
  maxButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  ctaDisplayText: 20,
} as const;

/** Ids of buttons and list rows; `step()` routes on these, never on titles. */
export const ChoiceId = {
  MENU: 'menu',
  CART_VIEW: 'cart:view',
  CART_CLEAR: 'cart:clear',
  ORDER_CONFIRM: 'order:confirm',
  ORDER_CANCEL: 'order:cancel',
  PHONE_SELF: 'phone:self',
  PAY_CHANGE: 'pay:change',
  /** Prefix of list rows that add one unit: `item:<itemId>`. */
  ITEM_PREFIX: 'item:',
  /** Prefix of list rows that pick a payment method: `pay:<methodId>`. */
  PAY_PREFIX: 'pay:',
  /** Prefix of list rows that open a category of a long menu: `cat:<category name>`. */
  CATEGORY_PREFIX: 'cat:',
  /** "Sí, vaciar" after "¿Vacío tu carrito?". */
  CART_CLEAR_YES: 'cart:clear:yes',
  /** "No" to the open question: keep the cart as it is. */
  ANSWER_NO: 'q:no',
  /** Prefix of the values of an option group asked about (#16): `opt:<index>`. */
  OPTION_PREFIX: 'opt:',
  /** Pickup instead of delivery (#16). */
  PICKUP: 'entrega:recoger',
  /** Deliver to the saved address (#16). */
  ADDRESS_SAME: 'addr:same',
  /** Consent to remember the address and phone, or not (#16). */
  SAVE_DATA_YES: 'datos:si',
  SAVE_DATA_NO: 'datos:no',
  /** "Repetir último pedido" (#16). */
  REORDER: 'reorder',
} as const;

/** Delivery estimate quoted in confirmations unless the caller has a better one. */
export const DEFAULT_ESTIMATED_TIME = '30-40 minutos';

const HOW_TO_ORDER = 'Escribe lo que quieres, p. ej. *2 hamburguesas y 1 coca cola*, o el número del producto';
const OTHER_CATEGORY = 'Otros';
/** Longest address we keep; anything longer is almost certainly not an address. */
export const MAX_ADDRESS_CHARS = 300;

// ---------------------------------------------------------------------------------------------
// Reply helpers

/** One text, split at line breaks into several messages when it passes the 4096 limit. */
function texts(body: string): Reply[] {
  const max = WHATSAPP_LIMITS.textBody;
  if (body.length <= max) return [{ type: 'text', body }];
  const replies: Reply[] = [];
  let chunk = '';
  for (const line of body.split('\n')) {
    const piece = truncate(line, max);
    if (chunk.length + piece.length + 1 > max) {
      replies.push({ type: 'text', body: chunk });
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${piece}` : piece;
  }
  if (chunk.trim()) replies.push({ type: 'text', body: chunk });
  return replies;
}

function text(body: string): Reply {
  return { type: 'text', body: truncate(body, WHATSAPP_LIMITS.textBody) };
}

/** A plain text reply made of notes built here (step() composes notes, never writes text). */
export function textReply(body: string): Reply {
  return text(body);
}

/** Buttons under `body`; a body too long for an interactive message goes first as plain text. */
function withButtons(body: string, buttons: Array<{ id: string; title: string }>): Reply[] {
  if (body.length <= WHATSAPP_LIMITS.interactiveBody) return [{ type: 'buttons', body, buttons }];
  return [...texts(body), { type: 'buttons', body: '¿Qué quieres hacer?', buttons }];
}

function bullets(lines: readonly string[]): string {
  return lines.map((line) => `• ${line}`).join('\n');
}

function itemName(item: { nombre: string }): string {
  return sanitizeEcho(item.nombre, 60);
}

function echo(textFromCustomer: string): string {
  return `*${sanitizeEcho(textFromCustomer) || '…'}*`;
}

function joinOr(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} o ${parts[parts.length - 1] ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Menu

export interface MenuRepliesInput {
  restaurantName: string;
  /** The whole menu; unavailable items are left out. */
  menu: readonly MenuItem[];
  /** Opens with a greeting (and the customer's name, if known). */
  greet: boolean;
  profileName?: string;
  /** Opening line instead of the greeting, e.g. for price questions. */
  intro?: string;
  /** Current cart, to remind the customer what they already have. */
  cart: readonly CartLine[];
  /**
   * The customer can add items now: include the how-to and the tappable list (≤ 10 available
   * items). Off while a payment is pending, when the menu is for reading only.
   */
  canOrder: boolean;
}

/**
 * The menu as text (always, so typing works) plus, when there are at most 10 available items,
 * a list whose rows add one unit. A longer menu is sent as text only: WhatsApp lists hold 10
 * rows, and a partial list would hide dishes.
 */
export function menuReplies(input: MenuRepliesInput): Reply[] {
  const available = input.menu.filter((item) => item.disponible);
  const restaurant = sanitizeEcho(input.restaurantName, 60);
  const opening: string[] = [];
  if (input.greet) {
    const name = input.profileName ? sanitizeEcho(input.profileName, 30) : '';
    opening.push(`👋 ¡Hola${name ? `, ${name}` : ''}! Bienvenido a *${restaurant}*.`);
  }
  if (input.intro) opening.push(input.intro);

  if (available.length === 0) {
    return texts([...opening, '😔 Por ahora no tenemos productos disponibles. Intenta de nuevo más tarde.'].join('\n\n'));
  }

  const groups = groupByCategory(available);
  const sections = groups.map(
    ({ category, items }) =>
      `*${sanitizeEcho(category, 40)}*\n${items.map((item) => `*${sanitizeEcho(item.numero, 10)}.* ${itemName(item)} — ${formatCOP(item.precio)}`).join('\n')}`,
  );
  const closing = input.canOrder ? [`✍️ ${HOW_TO_ORDER}.`] : [];
  if (input.canOrder && input.cart.length > 0) {
    closing.push(
      `🛒 Llevas ${units(cartUnits(input.cart))} por ${formatCOP(cartTotal(input.cart))}. Escribe *carrito* para verlo o *confirmar* para continuar.`,
    );
  }
  const body = [...opening, `📋 *Menú de ${restaurant}*`, ...sections, ...closing].join('\n\n');
  const replies = texts(body);

  if (input.canOrder && available.length > WHATSAPP_LIMITS.listRows) {
    replies.push(...categoryList(groups));
  } else if (input.canOrder) {
    replies.push({
      type: 'list',
      body: 'Toca *Ver productos* y elige uno para agregar 1 unidad, o escribe tu pedido.',
      button: 'Ver productos',
      sections: groups.map(({ category, items }) => ({
        title: truncate(sanitizeEcho(category, 60), WHATSAPP_LIMITS.sectionTitle),
        rows: items.map((item) => ({
          id: truncate(`${ChoiceId.ITEM_PREFIX}${item.itemId}`, WHATSAPP_LIMITS.rowId),
          title: truncate(`${sanitizeEcho(item.numero, 10)}. ${itemName(item)}`, WHATSAPP_LIMITS.rowTitle),
          description: truncate(formatCOP(item.precio), WHATSAPP_LIMITS.rowDescription),
        })),
      })),
    });
  }
  return replies;
}

/** Categories in menu order (first appearance), items without one last under "Otros". */
function groupByCategory(items: readonly MenuItem[]): Array<{ category: string; items: MenuItem[] }> {
  const groups = new Map<string, MenuItem[]>();
  const others: MenuItem[] = [];
  for (const item of items) {
    const category = item.categoria?.trim();
    if (!category) {
      others.push(item);
      continue;
    }
    const group = groups.get(category) ?? [];
    group.push(item);
    groups.set(category, group);
  }
  const result = [...groups].map(([category, grouped]) => ({ category, items: grouped }));
  if (others.length > 0) {
    const existing = result.find((group) => group.category === OTHER_CATEGORY);
    if (existing) existing.items.push(...others);
    else result.push({ category: OTHER_CATEGORY, items: others });
  }
  return result;
}

/** "👋 ¡Hola, Ana! Bienvenido a *X*." */
export function greetingLine(restaurantName: string, profileName?: string): string {
  const name = profileName ? sanitizeEcho(profileName, 30) : '';
  return `👋 ¡Hola${name ? `, ${name}` : ''}! Bienvenido a *${sanitizeEcho(restaurantName, 60)}*.`;
}

/** The short prompt of the first step, when there is nothing in the cart. */
export function howToStart(): Reply {
  return text(`👋 Escribe *menu* para ver nuestra carta, o pide directamente. ${HOW_TO_ORDER}.`);
}

export function priceQuestionIntro(): string {
  return '💲 Estos son nuestros productos y precios:';
}

// ---------------------------------------------------------------------------------------------
// Cart

/** "Término: Medio; Adiciones: Queso, Tocineta" (#16). */
function optionsText(opciones: CartLine['opciones']): string {
  const byGroup = new Map<string, string[]>();
  for (const o of opciones ?? []) byGroup.set(o.grupo, [...(byGroup.get(o.grupo) ?? []), sanitizeEcho(o.valor, 40)]);
  return [...byGroup].map(([grupo, valores]) => `${sanitizeEcho(grupo, 40)}: ${valores.join(', ')}`).join('; ');
}

function cartLineText(line: CartLine): string {
  const nota = line.nota ? ` _(${sanitizeEcho(line.nota, 80)})_` : '';
  const options = line.opciones?.length ? ` [${optionsText(line.opciones)}]` : '';
  const amount = `${line.cantidad} x ${itemName(line)}${options}${nota} — ${formatCOP(line.precio * line.cantidad)}`;
  return line.cantidad > 1 ? `${amount} (${formatCOP(line.precio)} c/u)` : amount;
}

/** "1 producto", "3 productos". */
export function units(count: number): string {
  return `${count} ${count === 1 ? 'producto' : 'productos'}`;
}

/**
 * The cart (each line `2 x Hamburguesa — $30.000`, then the total) with the buttons Confirmar
 * pedido / Ver menú / Vaciar. `notes` go on top (what was just added, what was not understood).
 */
export function cartSummary(cart: readonly CartLine[], notes: readonly string[] = []): Reply[] {
  const body = [
    ...notes,
    `🛒 *Tu pedido*\n${cart.map(cartLineText).join('\n')}\n\n*Total: ${formatCOP(cartTotal(cart))}*`,
    '¿Confirmas tu pedido? También puedes seguir agregando productos.',
  ].join('\n\n');
  return withButtons(body, [
    { id: ChoiceId.ORDER_CONFIRM, title: 'Confirmar pedido' },
    { id: ChoiceId.MENU, title: 'Ver menú' },
    { id: ChoiceId.CART_CLEAR, title: 'Vaciar' },
  ]);
}

/** The delivery fee of a cart once the address is known (#16): its own line, part of the total. */
export interface DeliveryLine {
  tipoEntrega: 'domicilio' | 'recoger';
  zona?: string | null;
  tarifa: number;
}

function deliveryLineText(delivery: DeliveryLine): string {
  if (delivery.tipoEntrega === 'recoger') return '🏪 Recoges en el local';
  const zona = delivery.zona ? ` (${sanitizeEcho(delivery.zona, 40)})` : '';
  return `🛵 Domicilio${zona} — ${delivery.tarifa > 0 ? formatCOP(delivery.tarifa) : 'gratis'}`;
}

/** The cart as one block of text, for steps where the buttons would be confusing; with the delivery line once known. */
export function cartSummaryText(cart: readonly CartLine[], delivery?: DeliveryLine): string {
  const fee = delivery ? `\n${deliveryLineText(delivery)}` : '';
  const total = cartTotal(cart) + (delivery?.tipoEntrega === 'domicilio' ? delivery.tarifa : 0);
  return `🛒 *Tu pedido*\n${cart.map(cartLineText).join('\n')}${fee}\n*Total: ${formatCOP(total)}*`;
}

/** Notes without a cart to show (the cart is empty): notes plus how to order. */
export function notesWithHowTo(notes: readonly string[]): Reply[] {
  return texts([...notes, `${HOW_TO_ORDER}, o *menu* para ver la carta.`].join('\n\n'));
}

export function cartEmpty(): Reply {
  return text(`🛒 Tu carrito está vacío.\n\n${HOW_TO_ORDER}, o *menu* para ver la carta.`);
}

/** "¿Vacío tu carrito?" with Sí / No, so one tap never loses a cart. */
export function askClearCart(cart: readonly CartLine[]): Reply[] {
  return withButtons(`🗑️ ¿Vacío tu carrito? Tienes ${units(cartUnits(cart))} por ${formatCOP(cartTotal(cart))}.`, [
    { id: ChoiceId.CART_CLEAR_YES, title: 'Sí, vaciar' },
    { id: ChoiceId.ANSWER_NO, title: 'No, seguir' },
  ]);
}

export function cartCleared(): Reply {
  return text('🗑️ Listo, vaciamos tu carrito.\n\nEscribe *menu* cuando quieras ver la carta.');
}

export function addedNote(added: ReadonlyArray<{ nombre: string; cantidad: number; nota?: string }>): string {
  return `✅ Agregué: ${added.map((line) => `${line.cantidad} x ${itemName(line)}${line.nota ? ` (${sanitizeEcho(line.nota, 80)})` : ''}`).join(', ')}`;
}

export function noteAddedNote(nombre: string, nota: string): string {
  return `📝 Anoté *${sanitizeEcho(nota, 80)}* en ${itemName({ nombre })}.`;
}

export function quantitySetNote(nombre: string, cantidad: number): string {
  return `✏️ Corregido: ${cantidad} x ${itemName({ nombre })}.`;
}

export function replacedNote(removed: string, added: ReadonlyArray<{ nombre: string; cantidad: number }>): string {
  return `🔁 Cambié ${itemName({ nombre: removed })} por ${added.map((line) => `${line.cantidad} x ${itemName(line)}`).join(', ')}.`;
}

export function whichLineForQuantityNote(): string {
  return '🤔 ¿De cuál producto? Escríbelo con el nombre, p. ej. *eran 3 hamburguesas*.';
}

export function noteNeedsItemNote(nota: string): string {
  return `📝 ¿A qué producto le pongo *${sanitizeEcho(nota, 80)}*? Pídelo con la nota, p. ej. *1 hamburguesa ${sanitizeEcho(nota, 40)}*.`;
}

export function questionDroppedNote(): string {
  return '👌 Listo, no lo agrego.';
}

/**
 * One open question at the end of a message: the notes and the cart (when it has something),
 * then the question, with the candidates as buttons (≤ 3) or a list (≤ 10).
 */
export function questionReply(options: {
  notes: readonly string[];
  cart: readonly CartLine[];
  question: string;
  candidates: readonly MenuItem[];
}): Reply[] {
  const cartText = options.cart.length > 0 ? [`🛒 *Tu pedido*\n${options.cart.map(cartLineText).join('\n')}\n*Total: ${formatCOP(cartTotal(options.cart))}*`] : [];
  const body = [...options.notes, ...cartText, options.question].join('\n\n');
  const shown = options.candidates.slice(0, WHATSAPP_LIMITS.listRows);
  if (shown.length === 0) return texts(body);
  if (shown.length <= WHATSAPP_LIMITS.maxButtons) {
    return withButtons(
      body,
      shown.map((item) => ({ id: `${ChoiceId.ITEM_PREFIX}${item.itemId}`, title: truncate(itemName(item), WHATSAPP_LIMITS.buttonTitle) })),
    );
  }
  const list: Reply = {
    type: 'list',
    body: 'Toca *Elegir* o escribe el nombre.',
    button: 'Elegir',
    sections: [
      {
        title: 'Opciones',
        rows: shown.map((item) => ({
          id: `${ChoiceId.ITEM_PREFIX}${item.itemId}`,
          title: truncate(itemName(item), WHATSAPP_LIMITS.rowTitle),
          description: formatCOP(item.precio),
        })),
      },
    ],
  };
  return [...texts(body), list];
}

/** The text of the question for an ambiguous or unknown name. */
export function whichQuestion(options: { text: string; candidates: readonly MenuItem[]; cantidad: number; unknown: boolean }): string {
  const quantity = options.cantidad > 1 ? ` (${options.cantidad})` : '';
  if (options.unknown && options.candidates.length === 1 && options.candidates[0]) {
    return `🤔 No encontré ${echo(options.text)}. ¿Quisiste decir *${itemName(options.candidates[0])}*${quantity}?`;
  }
  if (options.unknown) {
    return `🤔 No encontré ${echo(options.text)}. ¿Quisiste decir ${joinOr(options.candidates.map((item) => `*${itemName(item)}*`))}?${quantity}`;
  }
  return `🤔 ${echo(options.text)}${quantity}: ¿cuál quieres? ${joinOr(options.candidates.slice(0, 5).map((item) => `*${itemName(item)}*`))}`;
}

export function whichLineForNoteQuestion(nota: string): string {
  return `📝 ¿A cuál producto le pongo *${sanitizeEcho(nota, 80)}*?`;
}

// ---------------------------------------------------------------------------------------------
// Long menus: categories first, then one category's items (WhatsApp lists hold 10 rows)

function categoryList(groups: ReadonlyArray<{ category: string; items: MenuItem[] }>): Reply[] {
  const rows = groups.slice(0, WHATSAPP_LIMITS.listRows).map(({ category, items }) => ({
    id: truncate(`${ChoiceId.CATEGORY_PREFIX}${category}`, WHATSAPP_LIMITS.rowId),
    title: truncate(sanitizeEcho(category, 60), WHATSAPP_LIMITS.rowTitle),
    description: units(items.length),
  }));
  return [
    {
      type: 'list',
      body: 'Toca *Ver categorías*, elige una y luego el producto, o escribe tu pedido.',
      button: 'Ver categorías',
      sections: [{ title: 'Categorías', rows }],
    },
  ];
}

/**
 * The items of one category as a list (a page of up to 9 items plus "Ver más" when it has more),
 * or null when the category does not exist (any more).
 */
export function categoryItems(menu: readonly MenuItem[], category: string, page = 0): Reply[] | null {
  const group = groupByCategory(menu.filter((item) => item.disponible)).find((candidate) => candidate.category === category);
  if (!group) return null;
  const perPage = WHATSAPP_LIMITS.listRows - 1;
  const needsPages = group.items.length > WHATSAPP_LIMITS.listRows;
  const items = needsPages ? group.items.slice(page * perPage, (page + 1) * perPage) : group.items;
  if (items.length === 0) return null;
  const rows = items.map((item) => ({
    id: truncate(`${ChoiceId.ITEM_PREFIX}${item.itemId}`, WHATSAPP_LIMITS.rowId),
    title: truncate(`${sanitizeEcho(item.numero, 10)}. ${itemName(item)}`, WHATSAPP_LIMITS.rowTitle),
    description: truncate(formatCOP(item.precio), WHATSAPP_LIMITS.rowDescription),
  }));
  if (needsPages && (page + 1) * perPage < group.items.length) {
    rows.push({ id: truncate(`${ChoiceId.CATEGORY_PREFIX}${page + 1}:${category}`, WHATSAPP_LIMITS.rowId), title: 'Ver más…', description: 'Más productos de esta categoría' });
  }
  return [
    {
      type: 'list',
      body: `*${sanitizeEcho(category, 40)}*: toca *Ver productos* y elige uno para agregar 1 unidad.`,
      button: 'Ver productos',
      sections: [{ title: truncate(sanitizeEcho(category, 60), WHATSAPP_LIMITS.sectionTitle), rows }],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Answers to ordinary questions (one or two lines; the cart is kept)

export function priceAnswer(item: MenuItem): string {
  return item.disponible
    ? `💲 *${itemName(item)}* cuesta ${formatCOP(item.precio)}. ¿Te agrego una?`
    : `😔 *${itemName(item)}* no está disponible por ahora.`;
}

export function haveItemAnswer(item: MenuItem): string {
  return item.disponible
    ? `✅ Sí, tenemos *${itemName(item)}* a ${formatCOP(item.precio)}. ¿Te agrego una?`
    : `😔 *${itemName(item)}* no está disponible por ahora.`;
}

export function haveChoicesAnswer(candidates: readonly MenuItem[]): string {
  return `✅ Sí, tenemos ${joinOr(candidates.slice(0, 5).map((item) => `*${itemName(item)}* (${formatCOP(item.precio)})`))}. ¿Cuál quieres?`;
}

export function notOnMenuAnswer(subject: string, closest: readonly MenuItem[]): string {
  const others = closest.length > 0 ? ` Te puedo ofrecer ${joinOr(closest.map((item) => `*${itemName(item)}* (${formatCOP(item.precio)})`))}.` : ' Escribe *menu* para ver lo que tenemos.';
  return `😔 No tenemos ${echo(subject)}.${others}`;
}

export function paymentInfoAnswer(methods: readonly PaymentMethodOption[], asked?: string): string {
  if (methods.length === 0) return '💵 El pago lo coordinas con el restaurante al recibir tu pedido.';
  const labels = methods.map((method) => sanitizeEcho(method.label, 60));
  const list = joinOr(labels);
  if (!asked) return `💳 Puedes pagar con ${list}. Lo eliges al final del pedido.`;
  const offered = labels.some((label) => label.toLowerCase().includes(asked)) || (asked === 'efectivo' && methods.some((method) => method.id === 'efectivo'));
  return offered
    ? `✅ Sí, puedes pagar con ${asked === 'efectivo' ? 'efectivo' : asked.charAt(0).toUpperCase() + asked.slice(1)}. Lo eliges al final del pedido.`
    : `😔 Por aquí no recibimos ${asked}. Puedes pagar con ${list}.`;
}

export function deliveryAnswer(cost: boolean): string {
  return cost
    ? '🛵 El total que te mostramos es el de los productos; si el domicilio tiene costo, el restaurante te lo confirma.'
    : '🛵 ¡Sí, hacemos domicilios! Escribe tu pedido y al confirmar te pido la dirección.';
}

export function hoursAnswer(): string {
  return '🕐 No tengo el horario a la mano. Si quieres, escribe tu pedido: el restaurante lo recibe y te confirma.';
}

const ORDER_STATE_TEXT: Readonly<Record<string, string>> = {
  pendiente: 'fue recibido y está por prepararse',
  en_preparacion: 'se está preparando 👨‍🍳',
  en_camino: 'va en camino 🛵',
  entregado: 'figura como entregado',
  cancelado: 'figura como cancelado',
};

export function orderStatusAnswer(order: { id: string; estado: string; total: number } | undefined): string {
  if (!order) return '🔎 No encuentro un pedido tuyo por este chat. Si pediste por otro medio, comunícate con el restaurante.';
  const state = ORDER_STATE_TEXT[order.estado] ?? `está en estado ${sanitizeEcho(order.estado, 20)}`;
  const late = order.estado === 'entregado' ? ' Si no te llegó, comunícate con el restaurante.' : '';
  return `📦 Tu pedido #${sanitizeEcho(order.id, 30)} (${formatCOP(order.total)}) ${state}.${late}`;
}

export function removedNote(removed: ReadonlyArray<{ nombre: string; cantidad: number | null }>): string {
  return `🗑️ Quité: ${removed.map((line) => (line.cantidad === null ? itemName(line) : `${line.cantidad} x ${itemName(line)}`)).join(', ')}`;
}

export function removeHowTo(): string {
  return 'Para quitar algo escribe *quitar* y el número o el nombre, p. ej. *quitar 2* o *quitar 1 hamburguesa*.';
}

export function cartNowEmptyNote(): string {
  return '🛒 Tu carrito quedó vacío.';
}

/** A cart refusal from `addToCart`. */
export type CartRefusal =
  | { kind: 'line_limit'; nombre: string; inCart: number }
  | { kind: 'total_limit'; nombre: string }
  | { kind: 'not_in_cart'; text: string };

/** What could not be done with part of a message, as one block of bullet lines. */
export function problemsNote(problems: readonly OrderTextProblem[], refusals: readonly CartRefusal[] = []): string {
  const lines: string[] = [];
  for (const problem of problems) {
    switch (problem.kind) {
      case 'unknown_item':
        lines.push(
          problem.suggestions.length > 0
            ? `No encontré ${echo(problem.text)}. ¿Quisiste decir ${joinOr(problem.suggestions.map((item) => `*${itemName(item)}*`))}?`
            : `No encontré ${echo(problem.text)} en el menú.`,
        );
        break;
      case 'ambiguous':
        lines.push(
          `${echo(problem.text)} puede ser ${joinOr(
            problem.candidates.slice(0, 5).map((item) => `*${sanitizeEcho(item.numero, 10)}.* ${itemName(item)}`),
          )}. ¿Cuál quieres? Escribe el nombre completo o el número.`,
        );
        break;
      case 'unavailable':
        lines.push(`*${itemName(problem.item)}* no está disponible por ahora. 😔`);
        break;
      case 'unknown_number':
        lines.push(`No tenemos el número *${sanitizeEcho(problem.numero, 12)}* en el menú.`);
        break;
      case 'quantity_out_of_range':
        lines.push(`${echo(problem.text)}: ¿cuántas quieres? Puedes pedir de 1 a ${MAX_QTY_PER_LINE} unidades por producto.`);
        break;
      case 'unclear_numbers':
        lines.push(`No entendí ${echo(problem.text)}. Escribe la cantidad y el producto, p. ej. *2 hamburguesas*.`);
        break;
      case 'too_many_parts':
        lines.push('Tu mensaje tiene demasiados productos; envía el resto en otro mensaje.');
        break;
    }
  }
  for (const refusal of refusals) {
    switch (refusal.kind) {
      case 'line_limit':
        lines.push(`*${itemName(refusal)}*: ya tienes ${refusal.inCart} y el máximo es ${MAX_QTY_PER_LINE} por producto.`);
        break;
      case 'total_limit':
        lines.push(`*${itemName(refusal)}*: tu pedido superaría el máximo de ${formatCOP(MAX_CART_TOTAL_COP)} por WhatsApp.`);
        break;
      case 'not_in_cart':
        lines.push(`No tienes ${echo(refusal.text)} en tu pedido.`);
        break;
    }
  }
  // Bounded so a message with many odd parts cannot produce a wall of text.
  const shown = lines.slice(0, 8);
  if (lines.length > shown.length) shown.push(`…y ${lines.length - shown.length} más.`);
  return `⚠️ *Revisa esto:*\n${bullets(shown)}`;
}

/** Changes found when the cart was checked against the current menu at confirmation. */
export function cartChangedNote(
  removed: ReadonlyArray<{ nombre: string }>,
  repriced: ReadonlyArray<{ line: { nombre: string; precio: number }; previousPrice: number }>,
): string {
  const lines = [
    ...removed.map((line) => `*${itemName(line)}* ya no está disponible; lo quitamos de tu pedido.`),
    ...repriced.map(({ line, previousPrice }) => `*${itemName(line)}* ahora cuesta ${formatCOP(line.precio)} (antes ${formatCOP(previousPrice)}).`),
  ];
  return `ℹ️ *El menú cambió:*\n${bullets(lines)}`;
}

export function totalLimitNote(): string {
  return `⚠️ Tu pedido pasa el máximo de ${formatCOP(MAX_CART_TOTAL_COP)} por WhatsApp. Quita algunos productos para continuar.`;
}

export function keepOrderingNote(): string {
  return '👌 Sin problema, tu pedido sigue abierto. Puedes agregar más productos, *quitar* alguno o *vaciar* el carrito.';
}

// ---------------------------------------------------------------------------------------------
// Address and phone

const ADDRESS_EXAMPLES = '• Calle 80 #12-34, apto 501\n• Carrera 7 # 45-10, Chapinero';

/**
 * Asks where to deliver. With `recoger` (#16) pickup is offered first as a button; with a
 * saved address, "Usar la misma dirección" sends the order there in one tap. Without either,
 * a location request (#15): WhatsApp adds a "send location" button under the text, and where it
 * cannot be shown the same text goes as a plain message.
 */
export function askAddress(total: number, options: { recoger?: boolean; savedAddress?: string; note?: string } = {}): Reply {
  const buttons: Array<{ id: string; title: string }> = [];
  if (options.savedAddress) buttons.push({ id: ChoiceId.ADDRESS_SAME, title: 'Usar la misma dirección' });
  if (options.recoger) buttons.push({ id: ChoiceId.PICKUP, title: 'Recoger en el local' });
  const saved = options.savedAddress ? `\n\nTu dirección anterior: *${sanitizeEcho(options.savedAddress, MAX_ADDRESS_CHARS)}*` : '';
  const pickup = options.recoger ? '\n\nO escribe *recoger* para pasar por tu pedido al local 🏪.' : '';
  const share = buttons.length === 0 ? 'O toca *Enviar ubicación* para compartir tu ubicación 📎.' : 'También puedes compartir tu ubicación 📎.';
  const body = [
    ...(options.note ? [options.note] : []),
    `📍 *¿A dónde enviamos tu pedido?* (Total: ${formatCOP(total)})\n\nEscribe la dirección completa, p. ej.:\n${ADDRESS_EXAMPLES}\n\n${share}${saved}${pickup}`,
  ].join('\n\n');
  if (body.length > WHATSAPP_LIMITS.interactiveBody) return text(body);
  if (buttons.length === 0) return { type: 'location_request', body };
  return { type: 'buttons', body, buttons };
}

export function addressAndPhoneNote(direccion: string, telefono: string): string {
  return `📍 Entregaremos en: *${sanitizeEcho(direccion, MAX_ADDRESS_CHARS)}*\n📞 Contacto: *${formatColombianMobile(telefono)}*`;
}

export function addressChangedNote(direccion?: string): string {
  return direccion ? `📍 Cambié la dirección a: *${sanitizeEcho(direccion, MAX_ADDRESS_CHARS)}*` : '📍 Listo, cambié la dirección.';
}

export function invalidAddress(reason: 'unclear' | 'too_long'): Reply {
  const why =
    reason === 'too_long'
      ? `🤔 Esa dirección es muy larga (máximo ${MAX_ADDRESS_CHARS} caracteres).`
      : '🤔 No reconocí una dirección en tu mensaje.';
  return text(`${why}\n\nEscribe calle, carrera o avenida con el número, p. ej.:\n${ADDRESS_EXAMPLES}\n\nO comparte tu ubicación 📎.`);
}

/** The label stored as `direccion` when the customer shares a pin without a name or address. */
export function sharedLocationLabel(latitude: number, longitude: number): string {
  const round = (value: number): string => String(Math.round(value * 1e6) / 1e6);
  return `Ubicación compartida (${round(latitude)}, ${round(longitude)})`;
}

const USE_THIS_NUMBER = 'Usar este número';

function phonePrompt(intro: string, selfNumber: string | null): Reply[] {
  if (!selfNumber) return [text(intro)];
  return withButtons(`${intro}\n\nO toca *${USE_THIS_NUMBER}* para usar el ${formatColombianMobile(selfNumber)}.`, [
    { id: ChoiceId.PHONE_SELF, title: USE_THIS_NUMBER },
  ]);
}

/**
 * Asks for the contact phone; `selfNumber` (the customer's own WhatsApp mobile) adds a one-tap
 * button. `direccion` is echoed so a typo in the address is caught before the order exists.
 */
export function askPhone(selfNumber: string | null, direccion?: string): Reply[] {
  const address = direccion ? `📍 Entregaremos en: *${sanitizeEcho(direccion, MAX_ADDRESS_CHARS)}*\n\n` : '';
  return phonePrompt(`${address}📞 *¿Cuál es tu número de contacto?*\n\nEscribe un celular de 10 dígitos, p. ej. *300 123 4567*.`, selfNumber);
}

export function invalidPhone(selfNumber: string | null): Reply[] {
  return phonePrompt(
    '❌ *Número de teléfono no válido*\n\nPor favor envía un número celular de 10 dígitos.\n\n📱 *Ejemplos válidos:*\n• 3001234567\n• 300 123 4567\n• 300-123-4567\n\n¿Cuál es tu número de contacto? 📞',
    selfNumber,
  );
}

// ---------------------------------------------------------------------------------------------
// Payment method

/** Row title and description from a label such as "Wompi (Tarjeta, Nequi, PSE)". */
function methodRow(label: string): { title: string; description?: string } {
  const clean = sanitizeEcho(label, 100);
  if (clean.length <= WHATSAPP_LIMITS.rowTitle) return { title: clean };
  const detail = /^(.*?)\s*\((.*)\)\s*$/.exec(clean);
  if (detail?.[1] && detail[2]) {
    return {
      title: truncate(detail[1], WHATSAPP_LIMITS.rowTitle),
      description: truncate(detail[2], WHATSAPP_LIMITS.rowDescription),
    };
  }
  return { title: truncate(clean, WHATSAPP_LIMITS.rowTitle), description: truncate(clean, WHATSAPP_LIMITS.rowDescription) };
}

/** The method list: numbered text (type the number or the name) and a list with rows `pay:<id>`. */
export function paymentMethods(methods: readonly PaymentMethodOption[], total: number, notes: readonly string[] = []): Reply[] {
  const body = [
    ...notes,
    `💳 *Selecciona tu método de pago*\n\n💰 Total a pagar: *${formatCOP(total)}*`,
    `*Métodos disponibles:*\n${methods.map((method, i) => `${i + 1}. ${sanitizeEcho(method.label, 100)}`).join('\n')}`,
    'Responde con el número del método que prefieres.',
  ].join('\n\n');
  const replies = texts(body);
  const shown = methods.slice(0, WHATSAPP_LIMITS.listRows);
  if (shown.length > 0) {
    replies.push({
      type: 'list',
      body: 'O toca *Elegir método* y selecciona uno.',
      button: 'Elegir método',
      sections: [
        {
          title: 'Métodos de pago',
          rows: shown.map((method) => ({ id: `${ChoiceId.PAY_PREFIX}${method.id}`, ...methodRow(method.label) })),
        },
      ],
    });
  }
  return replies;
}

export function invalidMethodNote(): string {
  return '🤔 Opción no válida.';
}

// ---------------------------------------------------------------------------------------------
// While the runner works and while a payment is pending

/** Sent by `step()` right before the runner creates the order and sends its confirmation. */
export function orderInProgress(): Reply {
  return text('⏳ Un momento, estamos registrando tu pedido…');
}

/** Sent by `step()` right before the runner creates the payment link and sends it. */
export function paymentLinkInProgress(gatewayLabel: string): Reply {
  return text(`⏳ Un momento, estamos generando tu enlace de pago con *${sanitizeEcho(gatewayLabel, 60)}*…`);
}

const PENDING_BUTTONS = [
  { id: ChoiceId.PAY_CHANGE, title: 'Cambiar método' },
  { id: ChoiceId.ORDER_CANCEL, title: 'Cancelar pedido' },
];

/** Reminder while waiting for the gateway; `rejected` when the last attempt was declined. */
export function paymentPending(options: { gatewayLabel?: string; rejected?: boolean; notes?: readonly string[] } = {}): Reply[] {
  const via = options.gatewayLabel ? ` con *${sanitizeEcho(options.gatewayLabel, 60)}*` : '';
  const status = options.rejected
    ? `❌ Tu último intento de pago${via} fue rechazado. Puedes pagar con otro método.`
    : `⏳ *Tienes un pago pendiente*\n\nYa te enviamos el enlace de pago${via}. Tu pedido se enviará a la cocina apenas validemos el pago.`;
  return withButtons([...(options.notes ?? []), status, '¿Quieres *cambiar método* de pago o *cancelar* el pedido?'].join('\n\n'), PENDING_BUTTONS);
}

export function pendingThanks(): Reply {
  return text('¡Con gusto! 😊 Te avisamos apenas se confirme tu pago.');
}

export function orderCancelled(hadPendingPayment: boolean): Reply {
  const pending = hadPendingPayment
    ? '\n\nPor favor no uses el enlace de pago que te enviamos. Si ya lo pagaste, no te preocupes: te confirmaremos el pedido en cuanto validemos el pago.'
    : '';
  return text(`❌ Listo, cancelamos tu pedido.${pending}\n\nEscribe *menu* cuando quieras hacer un nuevo pedido.`);
}

export function nothingToCancel(): Reply {
  return text('No tienes un pedido en curso. Escribe *menu* para ver la carta.');
}

// ---------------------------------------------------------------------------------------------
// Help and the unexpected

export interface HelpInput {
  paso: ConversationStep;
  methods: readonly PaymentMethodOption[];
  hasSelfNumber: boolean;
}

/** What can be typed in the current step. */
export function help(input: HelpInput): Reply {
  switch (input.paso) {
    case 'inicio':
    case 'ordenando':
      return text(
        [
          '🆘 *¿Cómo pedir?*',
          bullets([
            '*menu*: ver la carta',
            '*2 del 1*: 2 unidades del producto número 1 (o solo *1* para una)',
            '*Quiero 2 hamburguesas y 1 coca cola*: pedir por nombre',
            '*carrito*: ver tu pedido y el total',
            '*quitar 2* o *quitar 1 hamburguesa*: quitar productos',
            '*vaciar*: vaciar el carrito',
            '*confirmar*: terminar y dar la dirección',
            '*cancelar*: cancelar el pedido',
          ]),
        ].join('\n'),
      );
    case 'direccion':
      return text(
        `🆘 Ahora necesito la *dirección de entrega*. Escríbela, p. ej.:\n${ADDRESS_EXAMPLES}\n\nO comparte tu ubicación 📎. También puedes escribir *menu* para cambiar tu pedido o *cancelar*.`,
      );
    case 'telefono':
      return text(
        `🆘 Ahora necesito un *número de contacto*: un celular de 10 dígitos, p. ej. *300 123 4567*.${
          input.hasSelfNumber ? ` O toca *${USE_THIS_NUMBER}*.` : ''
        }\n\nTambién puedes escribir *menu* para cambiar tu pedido o *cancelar*.`,
      );
    case 'metodo_pago':
      return text(
        `🆘 Elige cómo pagar: responde con el número o el nombre del método.\n${input.methods
          .map((method, i) => `${i + 1}. ${sanitizeEcho(method.label, 100)}`)
          .join('\n')}\n\nO escribe *cancelar* para cancelar el pedido.`,
      );
    case 'esperando_pago':
      return text(
        '🆘 Estamos esperando la confirmación de tu pago. Puedes:\n' +
          bullets(['Pagar con el enlace que te enviamos', '*cambiar método*: pagar de otra forma', '*cancelar*: cancelar el pedido']),
      );
  }
}

export function unsupportedMessage(): Reply {
  return text(
    '🙈 Por ahora solo entiendo mensajes de texto, los botones y listas que te envío, y tu ubicación 📍 cuando te pido la dirección.',
  );
}

export function unreadableMessage(): Reply {
  return text('🤔 No pude leer tu mensaje. Escríbeme con palabras, por favor.');
}

export function notUnderstoodNote(): string {
  return '🤔 No te entendí.';
}

export function locationNotExpectedNote(): string {
  return '📍 Recibí tu ubicación, pero ahora no la necesito: te la pediré cuando confirmes tu pedido.';
}

export function thanks(): Reply {
  return text('¡Con gusto! 😊 Escribe *menu* cuando quieras pedir.');
}

/** One line, sent before the normal answer when an idle session started over. */
export function sessionExpired(options: { hadPendingPayment?: boolean } = {}): Reply {
  const pending = options.hadPendingPayment ? ' Si ya pagaste tu pedido anterior, te lo confirmaremos apenas validemos el pago.' : '';
  return text(`⌛ Tu conversación anterior expiró por inactividad, así que empezamos de nuevo.${pending}`);
}

// ---------------------------------------------------------------------------------------------
// Sent by the runner, the payment flow and the reconciler

export interface OrderConfirmedInput {
  /** Short order id shown to the customer, e.g. "A3F5B2". */
  pedidoId: string;
  /** Integer COP. */
  total: number;
  pago: 'sin_pago' | 'contraentrega';
  estimatedTime?: string;
}

/** Order created without an online payment (payments off, or cash on delivery). */
export function orderConfirmed(input: OrderConfirmedInput): Reply {
  const payment = input.pago === 'contraentrega' ? `\n💵 Pagas en efectivo al recibir: *${formatCOP(input.total)}*` : '';
  return text(
    `✅ *¡Pedido confirmado!*\n\nTu pedido #${sanitizeEcho(input.pedidoId, 30)} fue recibido y enviado a la cocina.\n\n💰 Total: ${formatCOP(input.total)}${payment}\n\n⏱️ Tiempo estimado: ${sanitizeEcho(input.estimatedTime ?? DEFAULT_ESTIMATED_TIME, 40)}\nTe llamaremos cuando el domiciliario esté en camino. 🛵`,
  );
}

export interface PaymentLinkInput {
  /** Integer COP. */
  total: number;
  direccion: string;
  telefonoContacto: string;
  /** `{PUBLIC_BASE_URL}/pay/{referencia}`. */
  url: string;
  /** e.g. "Wompi (Tarjeta, Nequi, PSE)". */
  gatewayLabel: string;
}

function paymentLinkHeader(input: PaymentLinkInput): string {
  return [
    '🧾 *¡Perfecto! Tu pedido está casi listo*',
    `💰 Total a pagar: *${formatCOP(input.total)}*\n📍 Dirección: ${sanitizeEcho(input.direccion, MAX_ADDRESS_CHARS)}\n📞 Teléfono: ${sanitizeEcho(input.telefonoContacto, 20)}\n💳 Pago con: ${sanitizeEcho(input.gatewayLabel, 60)}`,
  ].join('\n\n');
}

const PAY_ONLY_AFTER_VALIDATION = '⚠️ *Importante:* El pedido solo se enviará a la cocina después de validar tu pago.';

/** The payment link as a "Pagar ahora" button. Use `paymentLinkText` where CTA buttons cannot be sent. */
export function paymentLink(input: PaymentLinkInput): Reply {
  return {
    type: 'cta_url',
    body: truncate(
      [
        paymentLinkHeader(input),
        'Toca *Pagar ahora* para pagar. Una vez que completes el pago, te confirmaremos tu pedido automáticamente.',
        PAY_ONLY_AFTER_VALIDATION,
      ].join('\n\n'),
      WHATSAPP_LIMITS.interactiveBody,
    ),
    displayText: 'Pagar ahora',
    url: input.url,
  };
}

/** The payment link as plain text with the URL, the fallback of `paymentLink`. */
export function paymentLinkText(input: PaymentLinkInput): Reply {
  return text(
    [
      paymentLinkHeader(input),
      `👉 *Haz clic en el siguiente enlace para pagar:*\n${input.url}`,
      'Una vez que completes el pago, te confirmaremos tu pedido automáticamente.',
      PAY_ONLY_AFTER_VALIDATION,
    ].join('\n\n'),
  );
}

export interface PaymentConfirmedInput {
  pedidoId: string;
  /** Integer COP actually paid. */
  total: number;
  /** Method as the gateway reports it (NEQUI, CARD, PSE…), or null when unknown. */
  metodo: string | null;
  /** Paid through the test gateway (sandbox): say so instead of naming a card. */
  prueba?: boolean;
  estimatedTime?: string;
}

/** Gateway method codes customers would not recognize, in their words. */
const METHOD_NAMES: Readonly<Record<string, string>> = {
  CARD: 'Tarjeta',
  CREDIT_CARD: 'Tarjeta de crédito',
  DEBIT_CARD: 'Tarjeta débito',
  NEQUI: 'Nequi',
  PSE: 'PSE',
  BANCOLOMBIA_TRANSFER: 'Transferencia Bancolombia',
  BANCOLOMBIA_QR: 'QR Bancolombia',
  DAVIPLATA: 'Daviplata',
  VISA: 'Visa',
  MASTERCARD: 'Mastercard',
  AMEX: 'American Express',
  EFECTY: 'Efecty',
};

export function paymentConfirmed(input: PaymentConfirmedInput): Reply {
  const method = input.prueba
    ? '\n🧪 Método: pago de prueba, no se cobró dinero real'
    : input.metodo
      ? `\n💳 Método: ${METHOD_NAMES[input.metodo.toUpperCase()] ?? sanitizeEcho(input.metodo, 40)}`
      : '';
  return text(
    `✅ *¡Pago confirmado!*\n\nTu pedido #${sanitizeEcho(input.pedidoId, 30)} ha sido confirmado y enviado a la cocina.\n\n💰 Pago procesado: ${formatCOP(input.total)}${method}\n\n⏱️ Tiempo estimado: ${sanitizeEcho(input.estimatedTime ?? DEFAULT_ESTIMATED_TIME, 40)}\nTe llamaremos cuando el domiciliario esté en camino. 🛵`,
  );
}

/** A declined payment, with the way forward: retry the same link, change method, or cancel. */
export function paymentRejected(input: { motivo?: string | null }): Reply {
  const motivo = input.motivo ? sanitizeEcho(input.motivo, 200) : 'No especificado';
  return {
    type: 'buttons',
    body: `❌ *Pago rechazado*\n\nMotivo: ${motivo}\n\nPor favor:\n• Verifica que tengas fondos suficientes\n• Intenta de nuevo con otro método de pago\n• O contacta a tu banco\n\nToca *Cambiar método* para pagar de otra forma.`,
    buttons: PENDING_BUTTONS,
  };
}

/** The payment needs a person's review (e.g. the amount did not match); no order yet. */
export function paymentUnderReview(): Reply {
  return text(
    '🔎 *Estamos revisando tu pago*\n\nNecesitamos validar tu pago antes de enviar el pedido a la cocina. Te escribiremos apenas tengamos novedades.',
  );
}

/** Ten-minute reminder. Plain text with the URL so it works from the outbox without interactive support. */
export function paymentReminder(input: { url: string; total: number }): Reply {
  return text(
    `⏰ *Recordatorio de pago pendiente*\n\nTienes un pago pendiente de ${formatCOP(input.total)}.\n\n🔗 Enlace de pago:\n${input.url}\n\n¿Necesitas ayuda? Escribe *cambiar método* para pagar de otra forma o *cancelar* para cancelar el pedido.`,
  );
}

/** The link expired unpaid; the session is still waiting, so the buttons work. */
export function paymentExpired(): Reply {
  return {
    type: 'buttons',
    body: '⌛ *Tu enlace de pago expiró*\n\nNo recibimos el pago a tiempo, así que tu pedido no se envió a la cocina.\n\nToca *Cambiar método* para generar un nuevo enlace o *Cancelar pedido* para empezar de nuevo.',
    buttons: PENDING_BUTTONS,
  };
}

// ---------------------------------------------------------------------------------------------
// Order status changes made by the kitchen (admin API)

/** The kitchen marked the order as out for delivery. */
export function orderOnTheWay(input: { pedidoId: string }): Reply {
  return text(`🛵 Tu pedido #${sanitizeEcho(input.pedidoId, 30)} va en camino. ¡Prepárate para recibirlo!`);
}

/** The kitchen marked the order as delivered. */
export function orderDelivered(input: { pedidoId: string }): Reply {
  return text(`✅ Tu pedido #${sanitizeEcho(input.pedidoId, 30)} fue entregado. ¡Buen provecho!`);
}

// ---------------------------------------------------------------------------------------------
// Restaurant basics (#16): hours and pauses, options, delivery zones, returning customers,
// staff handoff, order lifecycle.

/** Why no order can be taken right now, with when it can (an `opensPhraseEs` text or null). */
export type ClosedReason =
  | { kind: 'closed'; opens: string | null }
  | { kind: 'paused'; opens: string | null }
  | { kind: 'cutoff'; closes: string; opens: string | null }
  | { kind: 'delivery_paused'; until: string };

export function closedNote(reason: ClosedReason): string {
  const opens = 'opens' in reason && reason.opens ? `; ${reason.opens}` : '';
  switch (reason.kind) {
    case 'closed':
      return `🕒 En este momento estamos cerrados${opens}.`;
    case 'paused':
      return `⏸️ En este momento no estamos recibiendo pedidos${reason.opens ? `; volvemos a recibirlos: ${reason.opens.replace(/^abrimos /, '')}` : ''}.`;
    case 'cutoff':
      return `🕒 Ya no alcanzamos a preparar más pedidos hoy (cerramos ${reason.closes})${opens}.`;
    case 'delivery_paused':
      return `🛵 Los domicilios están pausados ${reason.until}; por ahora solo puedes recoger tu pedido en el local.`;
  }
}

/** Closed, paused or past the cut-off: one message with when it opens; the menu stays reachable. */
export function closedReply(reason: ClosedReason, canSchedule: boolean): Reply {
  const next = canSchedule
    ? 'Puedes dejar tu pedido programado para esa hora: escribe lo que quieres y lo preparamos apenas abramos.'
    : 'Mientras tanto puedes ver el *menu*. ¡Te esperamos!';
  return text(`${closedNote(reason)}\n\n${next}`);
}

export function scheduledNote(when: string): string {
  return `🗓️ Tu pedido quedará *programado*: lo preparamos cuando abramos, ${when}.`;
}

/** "¿Qué término quieres para la Hamburguesa?" with the group's values as buttons (≤ 3) or a list (≤ 10). */
export function optionQuestion(options: {
  notes: readonly string[];
  cart: readonly CartLine[];
  item: { nombre: string };
  cantidad: number;
  group: { nombre: string; valores: ReadonlyArray<{ nombre: string; precio?: number }> };
}): Reply[] {
  const { group } = options;
  const label = (v: { nombre: string; precio?: number }) => `${sanitizeEcho(v.nombre, 40)}${v.precio ? ` (+${formatCOP(v.precio)})` : ''}`;
  const quantity = options.cantidad > 1 ? ` (${options.cantidad})` : '';
  const question = `🍽️ *${sanitizeEcho(group.nombre, 40)}* para ${itemName(options.item)}${quantity}: ¿cuál quieres?\n${group.valores
    .map((v, i) => `${i + 1}. ${label(v)}`)
    .join('\n')}\n\nToca una opción o escribe su nombre o número.`;
  const cartText = options.cart.length > 0 ? [`🛒 *Tu pedido*\n${options.cart.map(cartLineText).join('\n')}\n*Total: ${formatCOP(cartTotal(options.cart))}*`] : [];
  const body = [...options.notes, ...cartText, question].join('\n\n');
  const shown = group.valores.slice(0, WHATSAPP_LIMITS.listRows);
  if (shown.length <= WHATSAPP_LIMITS.maxButtons) {
    return withButtons(body, shown.map((v, i) => ({ id: `${ChoiceId.OPTION_PREFIX}${i}`, title: truncate(sanitizeEcho(v.nombre, 40), WHATSAPP_LIMITS.buttonTitle) })));
  }
  return [
    ...texts(body),
    {
      type: 'list',
      body: 'Toca *Elegir* o escribe el nombre.',
      button: 'Elegir',
      sections: [
        {
          title: truncate(sanitizeEcho(group.nombre, 40), WHATSAPP_LIMITS.sectionTitle),
          rows: shown.map((v, i) => ({
            id: `${ChoiceId.OPTION_PREFIX}${i}`,
            title: truncate(sanitizeEcho(v.nombre, 40), WHATSAPP_LIMITS.rowTitle),
            ...(v.precio ? { description: `+${formatCOP(v.precio)}` } : {}),
          })),
        },
      ],
    },
  ];
}

export function optionNotUnderstoodNote(grupo: string): string {
  return `🤔 No encontré esa opción de *${sanitizeEcho(grupo, 40)}*.`;
}

/** Options that do not fit the item's groups ("máximo 3 adiciones"). */
export function optionProblemNote(nombre: string, problems: ReadonlyArray<{ kind: string; grupo: string; max?: number }>): string {
  const parts = problems.map((p) => (p.kind === 'too_many' && p.max !== undefined ? `máximo ${p.max} de *${sanitizeEcho(p.grupo, 40)}*` : `revisa *${sanitizeEcho(p.grupo, 40)}*`));
  return `🤔 No agregué ${itemName({ nombre })}: ${parts.join(', ')}.`;
}

export function deliveryFeeNote(delivery: DeliveryLine, total: number): string {
  return `${deliveryLineText(delivery)}\n💰 Total: *${formatCOP(total)}*`;
}

export function outsideZone(recoger: boolean): Reply {
  const body = recoger
    ? '😔 Lo sentimos, todavía no llegamos a esa dirección.\n\nPuedes *recoger* tu pedido en el local, o escribir otra dirección.'
    : '😔 Lo sentimos, todavía no llegamos a esa dirección.\n\nPuedes escribir otra dirección o compartir tu ubicación 📎.';
  return recoger ? { type: 'buttons', body, buttons: [{ id: ChoiceId.PICKUP, title: 'Recoger en el local' }] } : text(body);
}

export function belowMinimumNote(zona: string | null, minimo: number, falta: number): string {
  const where = zona ? ` a *${sanitizeEcho(zona, 40)}*` : '';
  return `🛵 Para domicilio${where} el pedido mínimo es ${formatCOP(minimo)}: te faltan *${formatCOP(falta)}*. Agrega algo más y confirma de nuevo.`;
}

export function needsLocation(): Reply {
  return text('📍 Para calcular el domicilio necesito tu *ubicación*: compártela 📎, o escribe la dirección con el barrio.');
}

export function whichBarrio(barrios: readonly string[]): Reply {
  return text(`🤔 ¿En qué barrio queda la dirección? ¿${joinOr(barrios.map((b) => `*${sanitizeEcho(b, 40)}*`))}? Escribe la dirección con el barrio.`);
}

/** The label stored as `direccion` of a pickup order. */
export const PICKUP_ADDRESS = 'Recoge en el local';

export function pickupChosenNote(): string {
  return '🏪 Listo, pasas a recoger tu pedido en el local.';
}

const SAVE_DATA_QUESTION = '💾 ¿Guardamos tu dirección y teléfono para tu próximo pedido? Solo los usamos para tus pedidos aquí, y puedes escribir *olvidar mis datos* cuando quieras.';
const SAVE_DATA_BUTTONS = [
  { id: ChoiceId.SAVE_DATA_YES, title: 'Sí, guardar' },
  { id: ChoiceId.SAVE_DATA_NO, title: 'No, gracias' },
];

/**
 * The first order's confirmation asks whether to remember the address and phone (#16), in the
 * same message (buttons under it), so it costs no extra message. A confirmation too long for
 * an interactive message is sent as it is, without the question.
 */
export function withSaveDataQuestion(confirmation: Reply): Reply {
  const body = `${confirmation.body}\n\n${SAVE_DATA_QUESTION}`;
  if (confirmation.type !== 'text' || body.length > WHATSAPP_LIMITS.interactiveBody) return confirmation;
  return { type: 'buttons', body, buttons: SAVE_DATA_BUTTONS };
}

export function dataSaved(): Reply {
  return text('💾 Listo, guardamos tu dirección y teléfono para la próxima. Escribe *olvidar mis datos* si quieres borrarlos.');
}

export function dataNotSaved(): Reply {
  return text('👌 Listo, no guardamos tus datos.');
}

export function dataForgotten(): Reply {
  return text('🗑️ Listo, borramos tu dirección y teléfono guardados.');
}

export function sameAddressNote(direccion: string): string {
  return `📍 Entregaremos en tu dirección anterior: *${sanitizeEcho(direccion, MAX_ADDRESS_CHARS)}*`;
}

/** For a returning customer, under the menu: the last order again in one tap. */
export function reorderOffer(): Reply {
  return { type: 'buttons', body: '🔁 ¿Lo mismo de la última vez? Toca el botón o escribe *lo mismo de siempre*.', buttons: [{ id: ChoiceId.REORDER, title: 'Repetir mi pedido' }] };
}

export function noPreviousOrder(): Reply {
  return text(`🤔 No encontré un pedido anterior tuyo. ${HOW_TO_ORDER}, o *menu* para ver la carta.`);
}

export function reorderNote(left: readonly string[]): string {
  const missing = left.length ? `\n⚠️ Hoy no tenemos: ${left.map((n) => itemName({ nombre: n })).join(', ')}.` : '';
  return `🔁 Puse tu último pedido en el carrito, a los precios de hoy.${missing}`;
}

export function reorderNothingAvailable(left: readonly string[]): Reply {
  return text(`😔 Hoy no tenemos lo de tu último pedido (${left.map((n) => itemName({ nombre: n })).join(', ')}).\n\n${HOW_TO_ORDER}, o *menu* para ver la carta.`);
}

export function staffRequested(): Reply {
  return text('👤 Listo, le avisamos a nuestro equipo: una persona te responderá por aquí en breve.');
}

export function botBack(): Reply {
  return text('🤖 El asistente automático está de vuelta. Escribe *menu* para ver la carta o lo que quieras pedir.');
}

/** A message a staff member wrote from the owners' page. */
export function staffMessage(texto: string): Reply {
  return text(texto.slice(0, WHATSAPP_LIMITS.textBody));
}

export function orderAccepted(input: { pedidoId: string }): Reply {
  return text(`👍 Tu pedido #${sanitizeEcho(input.pedidoId, 30)} fue aceptado por la cocina.`);
}

export function orderPreparing(input: { pedidoId: string }): Reply {
  return text(`👨‍🍳 Estamos preparando tu pedido #${sanitizeEcho(input.pedidoId, 30)}.`);
}

export function orderReadyForPickup(input: { pedidoId: string }): Reply {
  return text(`🏪 Tu pedido #${sanitizeEcho(input.pedidoId, 30)} está listo para recoger en el local.`);
}

/** The kitchen rejected or cancelled the order; `reembolso` when it was paid online. */
export function orderStopped(input: { pedidoId: string; estado: 'rechazado' | 'cancelado'; motivo?: string; reembolso: boolean }): Reply {
  const what = input.estado === 'rechazado' ? 'no pudo ser aceptado' : 'fue cancelado';
  const motivo = input.motivo ? `\n\nMotivo: ${sanitizeEcho(input.motivo, 200)}` : '';
  const refund = input.reembolso ? '\n\n💳 Como ya lo pagaste, te devolveremos el dinero; el restaurante se comunicará contigo.' : '';
  return text(`😔 Tu pedido #${sanitizeEcho(input.pedidoId, 30)} ${what}.${motivo}${refund}`);
}
