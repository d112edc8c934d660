/**
 * The ordering conversation as a pure function: (session, input, context) → (session, replies,
 * effects). No I/O, no clock, no randomness: time is `ctx.now` and payment references come from
 * `ctx.newPaymentReference()`, so a turn retried inside an RTDB transaction computes the same
 * answer. The runner (whatsapp/run-turn.ts) saves the session, runs `effects` (which produce
 * their own messages: order confirmation, payment link), queues `replies` in the outbox with
 * the inbox entry closed in the same write, then delivers the replies followed by the
 * effects' messages, in that order.
 *
 * Steps: inicio → ordenando → direccion → telefono → [metodo_pago → esperando_pago] → inicio.
 * Decisions that are not obvious from the issue:
 * - Every input gets at least one reply; anything unexpected re-asks the current step.
 * - "cancelar" works in every step. "ayuda" explains what can be typed in the current step.
 * - "menu" during address/phone/method goes back to ordering with the cart kept. While a payment
 *   is pending it only shows the menu (text, no tappable list) and the reminder: the link's
 *   amount is fixed, so changing the order means "cancelar" first.
 * - In esperando_pago: "cambiar método" (or the `pay:change` button) shows the method list; any
 *   new method replaces the pending link (`reemplaza`). "cancelar" resets and tells the customer
 *   not to use the link, and that a payment already made will still be honoured (flow 4 turns
 *   an approved payment into an order whatever the session says).
 * - An idle session past `ctx.sessionTtlMs` starts over; the customer is told only when the old
 *   session had something in progress (a cart or a step past inicio), since "your conversation
 *   expired" means nothing to someone who was not ordering.
 * - Free-text orders add the parts that are clear and list the parts that are not; see
 *   parse-order-text.ts for the number conventions ("2 x 3" = 2 units of item 3).
 * Restaurant basics (#16), each in its own module:
 * - Hours and pauses (order-window.ts): checked when something is added, at "confirmar" and
 *   again right before the payment link or the cash order; the menu stays visible.
 * - Options (line-options.ts): values typed with the item are read; required groups missing
 *   are asked as open questions, one per message, before the line is added.
 * - Delivery (delivery.ts): pickup or an address matched to a zone; the fee is computed from
 *   the session whenever it is shown or charged, so it always follows the current cart.
 * - Returning customers (returning.ts): saved address and phone in `ctx.customer`, reorder
 *   from `ctx.lastOrder`; consent and forgetting are effects the runner writes.
 * - Staff handoff (handoff.ts): while a person handles the chat the turn has no reply.
 */
import type {
  CartLine,
  Effect,
  InboundInput,
  MenuItem,
  OpenQuestion,
  OrderDraft,
  PaymentMethodOption,
  Reply,
  Session,
  TurnContext,
  TurnResult,
} from './types';
import * as msg from './messages.es-CO';
import { ChoiceId, MAX_ADDRESS_CHARS } from './messages.es-CO';
import { closestItems, findItems, parseOrderText, type OrderTextProblem, type ParsedOrderText } from './parse-order-text';
import { looksLikeAddress, splitAddressAndPhone, withoutCorrectionWords } from './address';
import { infoQuestionOf, type InfoQuestion } from './questions';
import { colombianMobileFromWaId, extractColombianMobile } from './phone';
import {
  addNoteToLine,
  addToCart,
  buildOrderDraft,
  setLineQuantity,
  cartTotal,
  findLine,
  hadProgress,
  isExpired,
  MAX_CART_TOTAL_COP,
  newSession,
  reconcileCart,
  reduceLine,
  removeLine,
  reviveSession,
} from './state';
import { canonicalToken, capInput, foldAccents, hasReadableContent, normalize, tokensMatch } from './text';
import { pendingGroups, validateOptions } from '../restaurant/item-options';
import { attachOptions, groupOf, optionAnswer } from './line-options';
import { closedReasonOf, deliveryPausedUntil, orderWindow, scheduleOf } from './order-window';
import { checkDelivery, deliveryLineOf, offersPickup, orderTotal } from './delivery';
import { reorderLines, savedAddress } from './returning';
import { handoffState } from './handoff';

interface Turn {
  session: Session;
  replies: Reply[];
  effects: Effect[];
  /** The replies end with the cart asking "¿Confirmas?", so a bare "sí" next turn confirms. */
  askedToConfirm?: boolean;
}

/** One turn's inputs as every step handler sees them. */
interface StepInput {
  session: Session;
  input: InboundInput;
  ctx: TurnContext;
  /** What the input asks for, step-independent; null for free text (an order, an address…). */
  intent: Intent | null;
  /** The conversation just started (new customer, or an expired session). */
  fresh: boolean;
}

/** What the bot understood an input to ask for, independent of the step. */
type Intent =
  | 'greeting'
  | 'menu'
  | 'price_question'
  | 'cart'
  | 'clear'
  | 'confirm'
  | 'yes'
  | 'no'
  | 'thanks'
  | 'help'
  | 'cancel'
  | 'change_method'
  | 'use_own_phone'
  | 'human'
  | 'reorder'
  | 'forget_data'
  | 'pickup'
  | 'same_address';

export function step(session: Session | null, input: InboundInput, ctx: TurnContext): TurnResult {
  const before: Reply[] = [];
  let current: Session;
  let fresh = false;
  // A person handles this chat (#16): no reply, the message is only recorded for the staff.
  const handoff = handoffState(session, ctx);
  if (handoff.silent && session) return { session: { ...reviveSession(session), actualizado: ctx.now }, replies: [], effects: [] };
  if (handoff.backToBot && session) {
    before.push(msg.botBack());
    session = { ...session };
    delete session.atencion;
  }
  if (session === null) {
    current = newSession(ctx.now);
    fresh = true;
  } else {
    const revived = reviveSession(session);
    if (isExpired(revived, ctx.now, ctx.sessionTtlMs)) {
      if (hadProgress(revived)) before.push(msg.sessionExpired({ hadPendingPayment: revived.paso === 'esperando_pago' }));
      current = newSession(ctx.now);
      fresh = true;
    } else {
      current = revived;
    }
  }
  if (current.pagoPendiente && ctx.pendingPaymentStatus === 'completado') {
    // The link was paid and confirm-payment created the order; this conversation is done.
    current = newSession(ctx.now);
  }

  const turn = handle(current, input, ctx, fresh);
  // Backstop for the "never silent" rule; every handler already replies.
  const replies = turn.replies.length > 0 ? turn.replies : reprompt(turn.session, ctx).replies;

  const next: Session = { ...turn.session, actualizado: ctx.now };
  // Removed rather than set to false: sessions hold only what is true.
  if (turn.askedToConfirm) next.esperandoConfirmacion = true;
  else delete next.esperandoConfirmacion;
  return { session: next, replies: [...before, ...replies], effects: turn.effects };
}

function handle(session: Session, input: InboundInput, ctx: TurnContext, fresh: boolean): Turn {
  const intent = intentOf(input);
  if (session.paso === 'metodo_pago' && ctx.tenant.paymentMethods.length === 0 && intent !== 'cancel') {
    // The owner turned payments off while this customer was choosing: the old flow applies.
    return createOrder(session, ctx, 'sin_pago');
  }
  if (input.kind === 'unsupported') return prepend(msg.unsupportedMessage(), reprompt(session, ctx));
  if (input.kind === 'text' && !hasReadableContent(capInput(input.text))) {
    return prepend(msg.unreadableMessage(), reprompt(session, ctx));
  }
  if (intent === 'cancel') return cancel(session);
  if (intent === 'help') return help(session, ctx);
  const restaurant = restaurantCommand(session, input, intent, ctx);
  if (restaurant) return restaurant;

  // The open question is answered now or dropped: the bot never waits on two things at once.
  const { pregunta: open, preguntasPendientes: _pending, ...rest } = session;
  const current: Session = rest;
  if (open && CART_STEPS.has(session.paso)) {
    const answered = answerOpenQuestion(current, open, session.preguntasPendientes ?? [], input, intent, ctx);
    if (answered) return answered;
  }
  const info = session.paso === 'esperando_pago' || (session.paso === 'metodo_pago' && chosenMethod(input, ctx.tenant.paymentMethods)) ? null : infoQuestionOf(input);
  // "para pedir un domicilio: 2 hamburguesas…" is an order that mentions delivery, not a question.
  if (info && !(input.kind === 'text' && CART_STEPS.has(session.paso) && parseOrderText(capInput(input.text), ctx.tenant.menu).lines.some((line) => line.explicitQuantity))) {
    return answerInfo(current, info, ctx, fresh);
  }

  const args: StepInput = { session: current, input, ctx, intent, fresh };
  switch (session.paso) {
    case 'inicio':
    case 'ordenando':
      return ordering(args);
    case 'direccion':
      return addressStep(args);
    case 'telefono':
      return phoneStep(args);
    case 'metodo_pago':
      return methodStep(args);
    case 'esperando_pago':
      return waitingStep(args);
  }
}

// ---------------------------------------------------------------------------------------------
// Building the cart (inicio, ordenando)

function ordering(args: StepInput): Turn {
  const { session, input, ctx, intent, fresh } = args;
  if (input.kind === 'location') return prependNote(msg.locationNotExpectedNote(), reprompt(session, ctx));
  if (input.kind === 'choice' && input.id.startsWith(ChoiceId.ITEM_PREFIX)) {
    const closed = closedTurn(session, ctx);
    if (closed) return closed;
    return addItemById(session, ctx, input.id.slice(ChoiceId.ITEM_PREFIX.length));
  }
  if (input.kind === 'choice' && input.id.startsWith(ChoiceId.CATEGORY_PREFIX)) return showCategory(session, ctx, input.id.slice(ChoiceId.CATEGORY_PREFIX.length));
  if (input.kind === 'choice' && input.id === ChoiceId.CART_CLEAR_YES) return clearCart(session);
  if (input.kind === 'choice' && input.id === ChoiceId.ANSWER_NO) return session.carrito.length > 0 ? askToConfirm(session, [msg.keepOrderingNote()]) : reply(session, msg.howToStart());

  switch (intent) {
    case 'greeting':
    case 'menu':
      return showMenu(session, ctx, { greet: fresh || intent === 'greeting' || (input.kind === 'text' && hasGreeting(input.text)) });
    case 'price_question':
      return showMenu(session, ctx, { greet: false, intro: msg.priceQuestionIntro() });
    case 'cart':
      return viewCart(session);
    case 'clear':
      return askClear(session);
    case 'confirm':
      return confirmOrder(session, ctx);
    case 'yes':
      if (session.esperandoConfirmacion && session.carrito.length > 0) return confirmOrder(session, ctx);
      return session.carrito.length > 0 ? askToConfirm(session) : reply(session, msg.cartEmpty());
    case 'no':
      if (session.carrito.length > 0) return reply(session, msg.textReply(msg.keepOrderingNote()));
      return reply(session, msg.howToStart());
    case 'thanks':
      return session.carrito.length > 0 ? askToConfirm(session) : reply(session, msg.thanks());
    default:
      break;
  }
  if (input.kind !== 'text') return reprompt(session, ctx);

  const raw = capInput(input.text);
  const removal = removalRequest(raw);
  if (removal !== null) return removeFromCart(session, removal);
  return addFromText(args, raw);
}

function showMenu(session: Session, ctx: TurnContext, options: { greet: boolean; intro?: string }): Turn {
  // Closed (#16): the menu is still shown, with when the restaurant opens, for reading only
  // unless the order can be left for the opening.
  const window = orderWindow(ctx);
  const reason = closedReasonOf(window, ctx);
  const schedulable = scheduleOf(window, ctx) !== null;
  const intro = [options.intro, reason ? msg.closedNote(reason) : undefined].filter((line): line is string => !!line).join('\n\n');
  const replies = msg.menuReplies({
    restaurantName: ctx.tenant.restaurantName,
    menu: ctx.tenant.menu,
    greet: options.greet,
    ...(ctx.profileName ? { profileName: ctx.profileName } : {}),
    ...(intro ? { intro } : {}),
    cart: session.carrito,
    canOrder: !reason || schedulable,
  });
  // A customer who saved their data gets their last order back in one tap (#16).
  if (options.greet && ctx.customer?.guardarDatos && session.carrito.length === 0 && (!reason || schedulable)) replies.push(msg.reorderOffer());
  return { session: { ...session, paso: buildingStep(session.carrito) }, replies, effects: [] };
}

function viewCart(session: Session): Turn {
  if (session.carrito.length === 0) return reply({ ...session, paso: 'inicio' }, msg.cartEmpty());
  return { session: { ...session, paso: 'ordenando' }, replies: msg.cartSummary(session.carrito), effects: [], askedToConfirm: true };
}

function askToConfirm(session: Session, notes: string[] = []): Turn {
  return {
    session: { ...session, paso: 'ordenando' },
    replies: msg.cartSummary(session.carrito, notes),
    effects: [],
    askedToConfirm: true,
  };
}

function clearCart(session: Session): Turn {
  if (session.carrito.length === 0) return reply({ ...session, paso: 'inicio' }, msg.cartEmpty());
  return reply({ ...session, paso: 'inicio', carrito: [] }, msg.cartCleared());
}

function addItemById(session: Session, ctx: TurnContext, itemId: string): Turn {
  const item = ctx.tenant.menu.find((candidate) => candidate.itemId === itemId);
  if (!item) return afterCartChange(session, session.carrito, [msg.problemsNote([{ kind: 'unknown_item', text: 'ese producto', explicitQuantity: false, suggestions: [], cantidad: 1 }])]);
  if (!item.disponible) return afterCartChange(session, session.carrito, [msg.problemsNote([{ kind: 'unavailable', text: item.nombre, item }])]);
  return applyParsed(session, ctx, { lines: [{ item, cantidad: 1, explicitQuantity: false, text: item.nombre }], problems: [], looseNotes: [] });
}

function showCategory(session: Session, ctx: TurnContext, ref: string): Turn {
  const paged = /^(\d{1,3}):(.*)$/s.exec(ref);
  const replies = paged ? msg.categoryItems(ctx.tenant.menu, paged[2] ?? '', Number(paged[1])) : msg.categoryItems(ctx.tenant.menu, ref);
  if (!replies) return showMenu(session, ctx, { greet: false });
  return { session: { ...session, paso: buildingStep(session.carrito) }, replies, effects: [] };
}

function askClear(session: Session): Turn {
  if (session.carrito.length === 0) return reply({ ...session, paso: 'inicio' }, msg.cartEmpty());
  return { session: { ...session, pregunta: { tipo: 'vaciar' } }, replies: msg.askClearCart(session.carrito), effects: [] };
}

function addFromText({ session, ctx, fresh }: StepInput, raw: string): Turn {
  const parsed = attachOptions(parseOrderText(raw, ctx.tenant.menu));
  const understood = understoodOrder(parsed);
  if (!understood) {
    // A first message we cannot read ("quiero pedir", "buenas, ¿hacen domicilios?") deserves the menu.
    if (fresh) return showMenu(session, ctx, { greet: true });
    return prependNote(msg.notUnderstoodNote(), session.carrito.length > 0 ? askToConfirm(session) : reply(session, msg.howToStart()));
  }
  const closed = closedTurn(session, ctx);
  if (closed) return fresh ? showMenu(session, ctx, { greet: true }) : closed;
  const turn = applyParsed(session, ctx, parsed);
  if (fresh && turn.session.carrito.length === 0 && !turn.session.pregunta) {
    // A new customer whose first message named nothing we sell: say why, then show what we sell.
    return showMenu(session, ctx, { greet: true, intro: msg.problemsNote(parsed.problems) });
  }
  return turn;
}

/** An unrecognized word with no quantity and nothing close on the menu: chatter, not an order. */
function isVague(problem: OrderTextProblem): boolean {
  return problem.kind === 'unknown_item' && problem.suggestions.length === 0 && !problem.explicitQuantity;
}

/** The message says something about the cart: a line, a question to ask, a note or a correction. */
function understoodOrder(parsed: ParsedOrderText): boolean {
  return (
    parsed.lines.length > 0 ||
    parsed.problems.some((problem) => !isVague(problem)) ||
    parsed.looseNotes.length > 0 ||
    parsed.quantityFix !== undefined
  );
}

/** Steps where the cart can still change (before a payment link exists). */
const CART_STEPS: ReadonlySet<Session['paso']> = new Set(['inicio', 'ordenando', 'direccion', 'telefono']);

/**
 * Applies what the parser read to the cart: a replacement ("no, mejor…"), a quantity fix
 * ("eran 3"), the lines, loose notes ("sin cebolla"); the problems that need an answer become open
 * questions, asked one per message. Statements (not on the menu, too many…) go in the notes.
 */
function applyParsed(session: Session, ctx: TurnContext, parsed: ParsedOrderText): Turn {
  let cart = session.carrito;
  let last = session.ultimaLinea && cart.some((line) => line.itemId === session.ultimaLinea?.itemId) ? session.ultimaLinea : undefined;
  const notes: string[] = [];
  const added: Array<{ nombre: string; cantidad: number; nota?: string }> = [];
  const refusals: msg.CartRefusal[] = [];
  const questions: OpenQuestion[] = [];

  let replaced: string | undefined;
  if (parsed.replacesLast && last && parsed.lines.length > 0) {
    const line = cart.find((candidate) => candidate.itemId === last?.itemId);
    if (line) {
      cart = reduceLine(cart, line.itemId, last.cantidad);
      replaced = line.nombre;
      last = undefined;
    }
  }
  if (parsed.quantityFix) {
    const { cantidad, item } = parsed.quantityFix;
    const target = item?.itemId ?? last?.itemId ?? (cart.length === 1 ? cart[0]?.itemId : undefined);
    if (target && cart.some((line) => line.itemId === target)) {
      const result = setLineQuantity(cart, target, cantidad);
      if (result.ok) {
        cart = result.cart;
        notes.push(msg.quantitySetNote(result.line.nombre, cantidad));
        last = { itemId: target, cantidad };
      } else {
        notes.push(msg.problemsNote([{ kind: 'quantity_out_of_range', text: String(cantidad), cantidad }]));
      }
    } else if (item) {
      parsed = { ...parsed, lines: [...parsed.lines, { item, cantidad, explicitQuantity: true, text: item.nombre }] };
    } else {
      notes.push(msg.whichLineForQuantityNote());
    }
  }
  for (const { item, cantidad, nota, elegidas = [] } of parsed.lines) {
    // Options (#16): a required group without an answer is asked before the line is added.
    let opciones: ReturnType<typeof validateOptions> | undefined;
    if (item.opciones?.length) {
      const missing = pendingGroups(item.opciones, elegidas)[0];
      if (missing) {
        questions.push({ tipo: 'opcion', itemId: item.itemId, cantidad, ...(nota ? { nota } : {}), grupo: missing.nombre, elegidas });
        continue;
      }
      opciones = validateOptions(item.opciones, elegidas);
      if (!opciones.ok) {
        notes.push(msg.optionProblemNote(item.nombre, opciones.problems));
        continue;
      }
    }
    const result = addToCart(cart, item, cantidad, nota, opciones?.ok ? opciones.opciones : undefined);
    if (result.ok) {
      cart = result.cart;
      added.push({ nombre: item.nombre, cantidad, ...(nota ? { nota } : {}) });
      last = { itemId: item.itemId, cantidad };
    } else if (result.reason === 'total_limit') {
      refusals.push({ kind: 'total_limit', nombre: item.nombre });
    } else {
      refusals.push({ kind: 'line_limit', nombre: item.nombre, inCart: result.inCart });
    }
  }
  for (const nota of parsed.looseNotes) {
    const target = last?.itemId ?? (cart.length === 1 ? cart[0]?.itemId : undefined);
    const line = target ? cart.find((candidate) => candidate.itemId === target) : undefined;
    if (line) {
      cart = addNoteToLine(cart, line.itemId, nota);
      notes.push(msg.noteAddedNote(line.nombre, nota));
    } else if (cart.length > 1) {
      questions.push({ tipo: 'nota', nota, candidatos: [...new Set(cart.map((candidate) => candidate.itemId))] });
    } else {
      notes.push(msg.noteNeedsItemNote(nota));
    }
  }
  const statements: OrderTextProblem[] = [];
  for (const problem of parsed.problems) {
    if (problem.kind === 'ambiguous') {
      questions.push({ tipo: 'producto', texto: problem.text, candidatos: problem.candidates.map((item) => item.itemId), cantidad: problem.cantidad, ...(problem.nota ? { nota: problem.nota } : {}) });
    } else if (problem.kind === 'unknown_item' && problem.suggestions.length > 0) {
      questions.push({ tipo: 'producto', texto: problem.text, candidatos: problem.suggestions.map((item) => item.itemId), cantidad: problem.cantidad, ...(problem.nota ? { nota: problem.nota } : {}) });
    } else {
      statements.push(problem);
    }
  }

  const head: string[] = [];
  if (replaced && added.length > 0) head.push(msg.replacedNote(replaced, added));
  else if (added.length > 0) head.push(msg.addedNote(added));
  head.push(...notes);
  if (statements.length > 0 || refusals.length > 0) head.push(msg.problemsNote(statements, refusals));

  const next: Session = { ...session, carrito: cart };
  if (last) next.ultimaLinea = last;
  else delete next.ultimaLinea;
  const [first, ...pending] = questions;
  if (first) return askQuestion(next, ctx, first, pending, head, unknownText(parsed, first));
  return afterCartChangeAt(next, ctx, head);
}

/** "No encontré X" when the question came from a name that is not on the menu. */
function unknownText(parsed: ParsedOrderText, question: OpenQuestion): boolean {
  return question.tipo === 'producto' && parsed.problems.some((problem) => problem.kind === 'unknown_item' && problem.text === question.texto);
}

function askQuestion(session: Session, ctx: TurnContext, question: OpenQuestion, pending: OpenQuestion[], notes: string[], unknown = false): Turn {
  const next: Session = { ...session, pregunta: question, paso: session.paso === 'inicio' && session.carrito.length > 0 ? 'ordenando' : session.paso };
  if (pending.length > 0) next.preguntasPendientes = pending;
  else delete next.preguntasPendientes;
  if (question.tipo === 'vaciar') return { session: next, replies: msg.askClearCart(session.carrito), effects: [] };
  if (question.tipo === 'opcion') {
    const item = ctx.tenant.menu.find((candidate) => candidate.itemId === question.itemId);
    const group = groupOf(item, question.grupo);
    if (!item || !group) return nextQuestionOr({ ...session }, ctx, pending, notes);
    return { session: next, replies: msg.optionQuestion({ notes, cart: session.carrito, item, cantidad: question.cantidad, group }), effects: [] };
  }
  const byId = new Map(ctx.tenant.menu.map((item) => [item.itemId, item]));
  const candidates = question.candidatos.map((id) => byId.get(id)).filter((item): item is MenuItem => item !== undefined);
  const text =
    question.tipo === 'nota'
      ? msg.whichLineForNoteQuestion(question.nota)
      : msg.whichQuestion({ text: question.texto, candidates, cantidad: question.cantidad, unknown });
  return { session: next, replies: msg.questionReply({ notes, cart: session.carrito, question: text, candidates }), effects: [] };
}

/** Answers the open question, or null when the input is about something else (then it is dropped). */
function answerOpenQuestion(session: Session, open: OpenQuestion, pending: OpenQuestion[], input: InboundInput, intent: Intent | null, ctx: TurnContext): Turn | null {
  const no = intent === 'no' || (input.kind === 'choice' && input.id === ChoiceId.ANSWER_NO);
  const yes = intent === 'yes' || intent === 'confirm';
  if (open.tipo === 'vaciar') {
    if (yes || intent === 'clear' || (input.kind === 'choice' && input.id === ChoiceId.CART_CLEAR_YES)) return clearCart(session);
    if (no) return askToConfirm(session, [msg.keepOrderingNote()]);
    return null;
  }
  if (open.tipo === 'opcion') return answerOptionQuestion(session, open, pending, input, intent, ctx);
  const byId = new Map(ctx.tenant.menu.map((item) => [item.itemId, item]));
  const candidates = open.candidatos.map((id) => byId.get(id)).filter((item): item is MenuItem => item !== undefined);
  if (no) return nextQuestionOr(session, ctx, pending, [msg.questionDroppedNote()]);

  let picked: MenuItem | undefined;
  let cantidad: number | undefined;
  let nota: string | undefined;
  if (input.kind === 'choice' && input.id.startsWith(ChoiceId.ITEM_PREFIX)) {
    picked = candidates.find((item) => item.itemId === input.id.slice(ChoiceId.ITEM_PREFIX.length));
    if (!picked) return null;
  } else if (yes && candidates.length === 1) {
    picked = candidates[0];
  } else if (yes) {
    // "sí" to "¿cuál?" names none of them: ask the same question again.
    return askQuestion(session, ctx, open, pending, []);
  } else if (input.kind === 'text') {
    const words = normalize(capInput(input.text)).split(' ').filter((word) => word && !ANSWER_FILLER.has(word));
    const position = words.length === 1 ? LIST_NUMBER_WORDS[words[0] ?? ''] : undefined;
    if (position !== undefined && !/^\d+$/.test(words[0] ?? '')) picked = candidates[position - 1];
    if (!picked) {
      const parsed = parseOrderText(capInput(input.text), candidates);
      if (parsed.lines.length === 1 && parsed.problems.length === 0 && parsed.lines[0]) {
        picked = parsed.lines[0].item;
        if (parsed.lines[0].explicitQuantity) cantidad = parsed.lines[0].cantidad;
        nota = parsed.lines[0].nota;
      }
    }
  }
  if (!picked) return null;
  if (open.tipo === 'nota') {
    const cart = addNoteToLine(session.carrito, picked.itemId, open.nota);
    return nextQuestionOr({ ...session, carrito: cart }, ctx, pending, [msg.noteAddedNote(picked.nombre, open.nota)]);
  }
  const lineNote = [open.nota, nota].filter(Boolean).join(', ');
  const turn = applyParsed(session, ctx, {
    lines: [{ item: picked, cantidad: cantidad ?? open.cantidad, explicitQuantity: true, text: picked.nombre, ...(lineNote ? { nota: lineNote } : {}) }],
    problems: [],
    looseNotes: [],
  });
  return continueQuestions(turn, ctx, pending);
}

/** After an answer: the questions still pending come after any question the answer itself raised. */
function continueQuestions(turn: Turn, ctx: TurnContext, pending: OpenQuestion[]): Turn {
  if (turn.session.pregunta) {
    if (pending.length === 0) return turn;
    return { ...turn, session: { ...turn.session, preguntasPendientes: [...(turn.session.preguntasPendientes ?? []), ...pending] } };
  }
  const [next, ...rest] = pending;
  if (!next || !turn.session.carrito.length) return turn;
  const notes = turn.replies.length > 0 && turn.replies[0] && 'body' in turn.replies[0] ? [firstLine(turn.replies[0].body)] : [];
  return askQuestion(turn.session, ctx, next, rest, notes);
}

/** "¿Qué término?" answered (#16): a value of the group, then the next group or the line in the cart. */
function answerOptionQuestion(
  session: Session,
  open: Extract<OpenQuestion, { tipo: 'opcion' }>,
  pending: OpenQuestion[],
  input: InboundInput,
  intent: Intent | null,
  ctx: TurnContext,
): Turn | null {
  const item = ctx.tenant.menu.find((candidate) => candidate.itemId === open.itemId);
  const group = groupOf(item, open.grupo);
  if (!item || !group || !item.disponible) return nextQuestionOr(session, ctx, pending, []);
  if (intent === 'no' || (input.kind === 'choice' && input.id === ChoiceId.ANSWER_NO)) return nextQuestionOr(session, ctx, pending, [msg.questionDroppedNote()]);
  const valor = optionAnswer(input, group);
  if (!valor) {
    // Something else (a command, another order): the question is dropped and the input handled.
    if (intent !== null || input.kind !== 'text' || parseOrderText(capInput(input.text), ctx.tenant.menu).lines.length > 0) return null;
    return askQuestion(session, ctx, open, pending, [msg.optionNotUnderstoodNote(group.nombre)]);
  }
  const turn = applyParsed(session, ctx, {
    lines: [{ item, cantidad: open.cantidad, explicitQuantity: true, text: item.nombre, ...(open.nota ? { nota: open.nota } : {}), elegidas: [...open.elegidas, { grupo: group.nombre, valor }] }],
    problems: [],
    looseNotes: [],
  });
  return continueQuestions(turn, ctx, pending);
}

function firstLine(body: string): string {
  return body.split('\n\n')[0] ?? body;
}

function nextQuestionOr(session: Session, ctx: TurnContext, pending: OpenQuestion[], notes: string[]): Turn {
  const [next, ...rest] = pending;
  if (next) return askQuestion(session, ctx, next, rest, notes);
  return afterCartChangeAt(session, ctx, notes);
}

/** After a cart change: the cart asking to confirm, or at a later step, that step's question again. */
function afterCartChangeAt(session: Session, ctx: TurnContext, notes: string[]): Turn {
  if (session.carrito.length > 0 && (session.paso === 'direccion' || session.paso === 'telefono' || session.paso === 'metodo_pago')) {
    const turn = reprompt(session, ctx);
    return notes.length > 0 ? prependNote(notes.join('\n\n'), turn) : turn;
  }
  return afterCartChange(session, session.carrito, notes);
}

/** Shows the cart (asking to confirm) or, when it is empty, the notes and how to order. */
function afterCartChange(session: Session, cart: CartLine[], notes: string[]): Turn {
  const next: Session = { ...session, carrito: cart, paso: buildingStep(cart) };
  if (cart.length === 0) return { session: next, replies: msg.notesWithHowTo(notes), effects: [] };
  return askToConfirm(next, notes);
}

/** An ordinary question: a short answer from the tenant's data; the cart and the step stay. */
function answerInfo(session: Session, question: InfoQuestion, ctx: TurnContext, fresh: boolean): Turn {
  const greeting = fresh ? [msg.greetingLine(ctx.tenant.restaurantName, ctx.profileName)] : [];
  const menu = ctx.tenant.menu;
  let answer: string;
  switch (question.kind) {
    case 'hours':
      answer = msg.hoursAnswer();
      break;
    case 'delivery':
      answer = msg.deliveryAnswer(question.cost);
      break;
    case 'payment':
      answer = msg.paymentInfoAnswer(ctx.tenant.paymentMethods, question.method);
      break;
    case 'order_status':
      answer = msg.orderStatusAnswer(ctx.lastOrder);
      break;
    case 'product': {
      const found = findItems(question.subject, menu);
      const canAdd = CART_STEPS.has(session.paso);
      if (found.kind === 'match' && found.item.disponible && canAdd) {
        const text = question.price ? msg.priceAnswer(found.item) : msg.haveItemAnswer(found.item);
        return askQuestionWithText(session, ctx, { tipo: 'producto', texto: question.subject, candidatos: [found.item.itemId], cantidad: 1 }, [...greeting, text]);
      }
      if (found.kind === 'match') {
        answer = question.price ? msg.priceAnswer(found.item) : msg.haveItemAnswer(found.item);
      } else if (found.kind === 'ambiguous') {
        const available = found.candidates.filter((item) => item.disponible);
        if (available.length > 0 && canAdd) {
          return askQuestionWithText(session, ctx, { tipo: 'producto', texto: question.subject, candidatos: available.map((item) => item.itemId), cantidad: 1 }, [...greeting, msg.haveChoicesAnswer(available)]);
        }
        answer = available.length > 0 ? msg.haveChoicesAnswer(available) : msg.notOnMenuAnswer(question.subject, []);
      } else {
        answer = msg.notOnMenuAnswer(question.subject, closestItems(question.subject, menu));
      }
      break;
    }
  }
  const body = [...greeting, answer].join('\n\n');
  if (session.paso === 'inicio' || session.paso === 'ordenando' || session.paso === 'esperando_pago') return reply(session, msg.textReply(body));
  return prependNote(body, reprompt(session, ctx));
}

/** An answer that ends in a question whose candidates are buttons ("¿Te agrego una?"). */
function askQuestionWithText(session: Session, ctx: TurnContext, question: Extract<OpenQuestion, { tipo: 'producto' }>, lines: string[]): Turn {
  const byId = new Map(ctx.tenant.menu.map((item) => [item.itemId, item]));
  const candidates = question.candidatos.map((id) => byId.get(id)).filter((item): item is MenuItem => item !== undefined);
  const next: Session = { ...session, pregunta: question };
  return { session: next, replies: msg.questionReply({ notes: [], cart: [], question: lines.join('\n\n'), candidates }), effects: [] };
}

/** The text after a removal verb ("quitar 2" → "2"), or null when the message is not a removal. */
function removalRequest(raw: string): string | null {
  const folded = foldAccents(raw);
  const match = /^[^a-z0-9]*([a-z]+)\b\s*/.exec(folded);
  if (!match?.[1] || !REMOVE_VERBS.has(match[1])) return null;
  return folded.slice(match[0].length);
}

function removeFromCart(session: Session, request: string): Turn {
  if (session.carrito.length === 0) return reply({ ...session, paso: 'inicio' }, msg.cartEmpty());
  const phrase = normalize(request);
  if (phrase === '') return askToConfirm(session, [msg.removeHowTo()]);
  if (REMOVE_ALL.has(phrase)) return askClear(session);

  // Match against what is in the cart, not the menu: "quitar coca" is clear when only one coca is in it.
  const cartAsMenu: MenuItem[] = session.carrito.map((line) => ({
    itemId: line.itemId,
    numero: line.numero,
    nombre: line.nombre,
    precio: line.precio,
    disponible: true,
  }));
  const parsed = parseOrderText(request, cartAsMenu);
  let cart = session.carrito;
  const removed: Array<{ nombre: string; cantidad: number | null }> = [];
  for (const line of parsed.lines) {
    const inCart = findLine(cart, line.item.itemId);
    if (!inCart) continue;
    // No quantity ("quitar 2", "quitar hamburguesa") removes the line; a quantity reduces it.
    if (!line.explicitQuantity || line.cantidad >= inCart.cantidad) {
      cart = removeLine(cart, line.item.itemId);
      removed.push({ nombre: inCart.nombre, cantidad: line.explicitQuantity ? inCart.cantidad : null });
    } else {
      cart = reduceLine(cart, line.item.itemId, line.cantidad);
      removed.push({ nombre: inCart.nombre, cantidad: line.cantidad });
    }
  }
  const refusals: msg.CartRefusal[] = [];
  const problems: OrderTextProblem[] = [];
  for (const problem of parsed.problems) {
    if (problem.kind === 'unknown_item' && problem.suggestions.length === 0) refusals.push({ kind: 'not_in_cart', text: problem.text });
    else if (problem.kind === 'unknown_number') refusals.push({ kind: 'not_in_cart', text: `el número ${problem.numero}` });
    else problems.push(problem);
  }

  const notes: string[] = [];
  if (removed.length > 0) notes.push(msg.removedNote(removed));
  if (problems.length > 0 || refusals.length > 0) notes.push(msg.problemsNote(problems, refusals));
  if (notes.length === 0) notes.push(msg.removeHowTo());
  if (cart.length === 0) return reply({ ...session, carrito: [], paso: 'inicio' }, msg.textReply([...notes, msg.cartNowEmptyNote()].join('\n\n')));
  return askToConfirm({ ...session, carrito: cart }, notes);
}

function confirmOrder(session: Session, ctx: TurnContext): Turn {
  if (session.carrito.length === 0) return reply({ ...session, paso: 'inicio' }, msg.cartEmpty());
  const checked = reconcileCart(session.carrito, ctx.tenant.menu);
  if (checked.removed.length > 0 || checked.repriced.length > 0) {
    return afterCartChange(session, checked.cart, [msg.cartChangedNote(checked.removed, checked.repriced)]);
  }
  const total = cartTotal(checked.cart);
  if (total > MAX_CART_TOTAL_COP) {
    return { session: { ...session, paso: 'ordenando' }, replies: msg.cartSummary(checked.cart, [msg.totalLimitNote()]), effects: [] };
  }
  // Hours (#16): closed, paused or past the cut-off → said now, or the order is scheduled.
  const window = orderWindow(ctx);
  const schedule = scheduleOf(window, ctx);
  const closedReason = closedReasonOf(window, ctx);
  if (closedReason && !schedule) return reply({ ...session, carrito: checked.cart, paso: 'ordenando' }, msg.closedReply(closedReason, false));
  const next: Session = { ...session, carrito: checked.cart, paso: 'direccion' };
  if (schedule) next.programadoPara = schedule.at;
  else delete next.programadoPara;
  return askAddressTurn(next, ctx, schedule ? [msg.scheduledNote(schedule.when)] : []);
}

/** Adding while closed (#16): one message with when the restaurant opens; null when orders can be taken or scheduled. */
function closedTurn(session: Session, ctx: TurnContext): Turn | null {
  const window = orderWindow(ctx);
  const reason = closedReasonOf(window, ctx);
  if (!reason || scheduleOf(window, ctx)) return null;
  return reply(session, msg.closedReply(reason, false));
}

/**
 * The address question (#16): pickup offered first when the owner enables it, or forced when
 * delivery is paused; "Usar la misma dirección" when the customer saved one.
 */
function askAddressTurn(session: Session, ctx: TurnContext, notes: string[] = []): Turn {
  const next: Session = { ...session, paso: 'direccion' };
  delete next.tipoEntrega;
  const pausedUntil = deliveryPausedUntil(orderWindow(ctx), ctx);
  if (pausedUntil) {
    if (!offersPickup(ctx)) {
      const reason = closedReasonOf(orderWindow(ctx, 'domicilio'), ctx);
      if (reason) return reply({ ...session, paso: 'ordenando' }, msg.closedReply(reason, false));
    } else {
      return choosePickup(next, ctx, [...notes, msg.closedNote({ kind: 'delivery_paused', until: pausedUntil })]);
    }
  }
  const saved = savedAddress(ctx.customer);
  return reply(next, msg.askAddress(cartTotal(session.carrito), { recoger: offersPickup(ctx), ...(saved ? { savedAddress: saved } : {}), ...(notes.length ? { note: notes.join('\n\n') } : {}) }));
}

/** Pickup (#16): no address, no fee; the phone comes next. */
function choosePickup(session: Session, ctx: TurnContext, notes: string[] = []): Turn {
  const next: Session = { ...session, tipoEntrega: 'recoger', direccion: msg.PICKUP_ADDRESS };
  delete next.ubicacion;
  return prependNote([...notes, msg.pickupChosenNote()].join('\n\n'), askPhoneTurn(next, ctx));
}

/**
 * An address was given (typed, pin or the saved one): matched to a zone (#16). Inside → the
 * fee is shown and `then` runs (the phone question, or the methods when the phone came too);
 * outside, unclear or below the minimum → said, and the address is asked again or the cart shown.
 */
function withDelivery(session: Session, ctx: TurnContext, then: (s: Session) => Turn): Turn {
  const next: Session = { ...session };
  if (ctx.tenant.domicilios) next.tipoEntrega = 'domicilio';
  const check = checkDelivery(next, ctx);
  const previous: Session = { ...session };
  delete previous.direccion;
  delete previous.ubicacion;
  switch (check.status) {
    case 'ok': {
      const turn = then(next);
      return check.line ? prependNote(msg.deliveryFeeNote(check.line, orderTotal(next, ctx)), turn) : turn;
    }
    case 'below_minimum':
      return askToConfirm({ ...previous, paso: 'ordenando' }, [msg.belowMinimumNote(check.zona, check.minimo, check.falta)]);
    case 'outside':
      return reply({ ...previous, paso: 'direccion' }, msg.outsideZone(check.recoger));
    case 'needs_location':
      return reply({ ...previous, paso: 'direccion' }, msg.needsLocation());
    case 'ambiguous':
      return reply({ ...previous, paso: 'direccion' }, msg.whichBarrio(check.barrios));
  }
}

// ---------------------------------------------------------------------------------------------
// Address

function addressStep({ session, input, ctx, intent }: StepInput): Turn {
  if (session.carrito.length === 0) return reply(newSession(session.actualizado), msg.cartEmpty());
  if (intent === 'menu') return backToOrdering(session, ctx);
  if (intent === 'cart') return prependNote(msg.cartSummaryText(session.carrito), reprompt(session, ctx));
  if (intent === 'pickup' && offersPickup(ctx)) return choosePickup(session, ctx);
  const saved = ctx.customer?.guardarDatos ? ctx.customer : undefined;
  if (intent === 'same_address' && saved?.direccion) {
    const direccion = saved.direccion;
    const next: Session = { ...session, direccion };
    if (saved.ubicacion) next.ubicacion = { ...saved.ubicacion };
    else delete next.ubicacion;
    // The saved phone comes with it: one tap to the payment methods.
    const phone = saved.telefonoContacto;
    if (phone) return withDelivery(next, ctx, (s) => prependNote(msg.addressAndPhoneNote(direccion, phone), afterPhone({ ...s, telefonoContacto: phone }, ctx)));
    return withDelivery(next, ctx, (s) => prependNote(msg.sameAddressNote(direccion), askPhoneTurn(s, ctx)));
  }

  if (input.kind === 'location') {
    if (!isValidCoordinate(input.latitude, input.longitude)) return reply(session, msg.invalidAddress('unclear'));
    const named = [input.name, input.address].map((part) => part?.trim()).filter((part): part is string => !!part);
    const direccion = named.length > 0 ? named.join(', ').slice(0, MAX_ADDRESS_CHARS) : msg.sharedLocationLabel(input.latitude, input.longitude);
    const ubicacion: NonNullable<Session['ubicacion']> = { latitud: input.latitude, longitud: input.longitude };
    if (input.name?.trim()) ubicacion.nombre = input.name.trim();
    if (input.address?.trim()) ubicacion.direccion = input.address.trim();
    return withDelivery({ ...session, direccion, ubicacion }, ctx, (s) => askPhoneTurn(s, ctx));
  }
  if (input.kind !== 'text') return reprompt(session, ctx);

  const text = capInput(input.text);
  const typed = typedAddress(text);
  if (typed) {
    if (typed.address.length > MAX_ADDRESS_CHARS) return reply(session, msg.invalidAddress('too_long'));
    // A typed address replaces any pin shared earlier.
    const next: Session = { ...session, direccion: typed.address };
    delete next.ubicacion;
    // "Cra 50 # 30-12, 300 123 4567": both at once skips the phone question.
    const phone = typed.phone;
    if (phone) return withDelivery(next, ctx, (s) => prependNote(msg.addressAndPhoneNote(typed.address, phone), afterPhone({ ...s, telefonoContacto: phone }, ctx)));
    return withDelivery(next, ctx, (s) => askPhoneTurn(s, ctx));
  }
  // "ah y una coca también": a cart change, not an address.
  const change = laterCartChange(session, ctx, text);
  if (change) return change;
  return reply(session, msg.invalidAddress(text.length > MAX_ADDRESS_CHARS ? 'too_long' : 'unclear'));
}

/** The address (and a phone, when both came together) in a text, or null when it does not read as an address. */
function typedAddress(text: string): { address: string; phone: string | null } | null {
  const { address, phone } = splitAddressAndPhone(text.replace(/\s+/g, ' ').trim());
  const cleaned = withoutCorrectionWords(address);
  if (!looksLikeAddress(cleaned)) return null;
  return { address: cleaned, phone };
}

/** Items added, removed or corrected after the cart was confirmed; null when the text is none of that. */
function laterCartChange(session: Session, ctx: TurnContext, text: string): Turn | null {
  if (removalRequest(text) !== null) {
    const removed = removeFromCart(session, removalRequest(text) ?? '');
    if (removed.session.carrito.length === 0) return removed;
    return { ...removed, session: { ...removed.session, paso: session.paso }, replies: prependNote(removedNotes(removed), reprompt({ ...removed.session, paso: session.paso }, ctx)).replies, askedToConfirm: false };
  }
  // Numbers here are house numbers and phones, not item numbers: only names change the cart.
  const read = parseOrderText(text, ctx.tenant.menu);
  const parsed: ParsedOrderText = {
    ...read,
    lines: read.lines.filter((line) => !line.byNumber),
    problems: read.problems.filter((problem) => problem.kind === 'ambiguous' || (problem.kind === 'unknown_item' && problem.suggestions.length > 0)),
  };
  if (!understoodOrder(parsed)) return null;
  return applyParsed(session, ctx, parsed);
}

function removedNotes(turn: Turn): string {
  const body = turn.replies[0] && 'body' in turn.replies[0] ? turn.replies[0].body : '';
  return firstLine(body);
}

/** "cambiar dirección", "la dirección está mal", "otra dirección". */
function asksToChangeAddress(text: string): boolean {
  const words = normalize(text).split(' ');
  return words.includes('direccion') && words.some((word) => ['cambiar', 'cambio', 'cambia', 'otra', 'mal', 'equivoque', 'corregir', 'corrijo', 'cambie', 'editar', 'nueva'].includes(word));
}

function isValidCoordinate(latitude: number, longitude: number): boolean {
  return Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

function askPhoneTurn(session: Session, ctx: TurnContext): Turn {
  return {
    session: { ...session, paso: 'telefono' },
    replies: msg.askPhone(colombianMobileFromWaId(ctx.waId), session.direccion),
    effects: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Phone

function phoneStep({ session, input, ctx, intent }: StepInput): Turn {
  if (session.carrito.length === 0) return reply(newSession(session.actualizado), msg.cartEmpty());
  if (!session.direccion) return askAddressTurn(session, ctx);
  if (intent === 'menu') return backToOrdering(session, ctx);
  if (intent === 'cart') return prependNote(msg.cartSummaryText(session.carrito), reprompt(session, ctx));
  const own = colombianMobileFromWaId(ctx.waId);

  if (intent === 'use_own_phone') {
    return own ? afterPhone({ ...session, telefonoContacto: own }, ctx) : reply(session, ...msg.invalidPhone(null));
  }
  if (input.kind === 'location') return addressStep({ session: { ...session, paso: 'direccion' }, input, ctx, intent, fresh: false });
  if (input.kind !== 'text') return reprompt(session, ctx);
  const text = capInput(input.text);
  // "me equivoqué, es Cra 50 # 30-12" (maybe with the phone too): a new address.
  const typed = typedAddress(text);
  if (typed && typed.address.length <= MAX_ADDRESS_CHARS) {
    const next: Session = { ...session, direccion: typed.address };
    delete next.ubicacion;
    if (typed.phone) return prependNote(msg.addressAndPhoneNote(typed.address, typed.phone), afterPhone({ ...next, telefonoContacto: typed.phone }, ctx));
    return prependNote(msg.addressChangedNote(), askPhoneTurn(next, ctx));
  }
  const phone = extractColombianMobile(text);
  if (phone) return afterPhone({ ...session, telefonoContacto: phone }, ctx);
  if (asksToChangeAddress(text)) return askAddressTurn(session, ctx);
  const change = laterCartChange(session, ctx, text);
  if (change) return change;
  return { session, replies: msg.invalidPhone(own), effects: [] };
}

function afterPhone(session: Session, ctx: TurnContext): Turn {
  const methods = ctx.tenant.paymentMethods;
  if (methods.length === 0) return createOrder(session, ctx, 'sin_pago');
  return {
    session: { ...session, paso: 'metodo_pago' },
    replies: msg.paymentMethods(methods, orderTotal(session, ctx)),
    effects: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Payment method and the wait for the gateway

function methodStep({ session, input, ctx, intent }: StepInput): Turn {
  const methods = ctx.tenant.paymentMethods;
  if (intent === 'menu') {
    if (!session.pagoPendiente) return backToOrdering(session, ctx);
    return { session, replies: [...menuAsText(ctx), ...msg.paymentMethods(methods, orderTotal(session, ctx))], effects: [] };
  }
  const method = chosenMethod(input, methods);
  if (method) return chooseMethod(session, ctx, method);
  if (intent === 'change_method') return reprompt(session, ctx);
  if (input.kind === 'location') return reprompt(session, ctx);
  if (input.kind === 'text' && !session.pagoPendiente) {
    const text = capInput(input.text);
    if (asksToChangeAddress(text)) return askAddressTurn(session, ctx);
    const typed = typedAddress(text);
    if (typed && typed.address.length <= MAX_ADDRESS_CHARS) {
      return prependNote(msg.addressChangedNote(typed.address), reprompt({ ...session, direccion: typed.address }, ctx));
    }
    const change = laterCartChange(session, ctx, text);
    if (change) return change;
  }
  return { session, replies: msg.paymentMethods(methods, orderTotal(session, ctx), [msg.invalidMethodNote()]), effects: [] };
}

function waitingStep({ session, input, ctx, intent }: StepInput): Turn {
  if (!session.pagoPendiente) return reprompt({ ...session, paso: 'metodo_pago' }, ctx);
  const status = ctx.pendingPaymentStatus ?? 'pendiente';
  // A person is reviewing this payment; a second link could charge the customer twice.
  if (status === 'fraude_detectado') return reply(session, msg.paymentUnderReview());

  // With no methods left (payments turned off meanwhile) there is nothing to change to.
  if (intent === 'change_method' && ctx.tenant.paymentMethods.length > 0) {
    return { session: { ...session, paso: 'metodo_pago' }, replies: msg.paymentMethods(ctx.tenant.paymentMethods, orderTotal(session, ctx)), effects: [] };
  }
  const method = chosenMethod(input, ctx.tenant.paymentMethods);
  if (method) return chooseMethod(session, ctx, method);
  if (intent === 'menu' || intent === 'greeting') {
    return { session, replies: [...menuAsText(ctx), ...pendingReminder(session, ctx)], effects: [] };
  }
  if (intent === 'thanks' && status === 'pendiente') return reply(session, msg.pendingThanks());
  return { session, replies: pendingReminder(session, ctx), effects: [] };
}

function pendingReminder(session: Session, ctx: TurnContext): Reply[] {
  switch (ctx.pendingPaymentStatus) {
    case 'expirado':
      return [msg.paymentExpired()];
    case 'fraude_detectado':
      return [msg.paymentUnderReview()];
    default: {
      const gateway = session.pagoPendiente?.gateway;
      const label = ctx.tenant.paymentMethods.find((method) => method.id === gateway)?.label;
      return msg.paymentPending({ ...(label ? { gatewayLabel: label } : {}), rejected: ctx.pendingPaymentStatus === 'rechazado' });
    }
  }
}

/** The method an input picks: a `pay:<id>` row, its number in the list, or its name. */
function chosenMethod(input: InboundInput, methods: readonly PaymentMethodOption[]): PaymentMethodOption | null {
  if (input.kind === 'choice') {
    if (!input.id.startsWith(ChoiceId.PAY_PREFIX)) return null;
    const methodId = input.id.slice(ChoiceId.PAY_PREFIX.length);
    return methods.find((method) => method.id === methodId) ?? null;
  }
  if (input.kind !== 'text') return null;
  const tokens = normalize(capInput(input.text))
    .split(' ')
    .filter((token) => token && !METHOD_FILLER.has(token));
  if (tokens.length === 0) return null;

  const position = tokens.length === 1 ? listPosition(tokens[0] ?? '') : null;
  if (position !== null) return methods[position - 1] ?? null;
  if (tokens.some((token) => CASH_WORDS.has(token))) return methods.find((method) => method.id === 'efectivo') ?? null;

  const matching = methods.filter((method) => {
    const words = [method.id, ...normalize(method.label).split(' ')].map(canonicalToken);
    return tokens.every((token) => words.some((word) => tokensMatch(canonicalToken(token), word)));
  });
  return matching.length === 1 ? (matching[0] ?? null) : null;
}

function listPosition(token: string): number | null {
  if (/^\d{1,2}$/.test(token)) return Number(token);
  return LIST_NUMBER_WORDS[token] ?? null;
}

function chooseMethod(session: Session, ctx: TurnContext, method: PaymentMethodOption): Turn {
  if (method.id === 'efectivo') return createOrder(session, ctx, 'contraentrega');
  const ready = readyToPay(session, ctx);
  if ('turn' in ready) return ready.turn;
  const draft = ready.draft;
  const referencia = ctx.newPaymentReference();
  const effect: Effect = {
    kind: 'create_payment',
    draft,
    gateway: method.id,
    referencia,
    ...(session.pagoPendiente ? { reemplaza: session.pagoPendiente.referencia } : {}),
  };
  return {
    session: { ...session, paso: 'esperando_pago', pagoPendiente: { referencia, gateway: method.id } },
    replies: [msg.paymentLinkInProgress(method.label)],
    effects: [effect],
  };
}

function createOrder(session: Session, ctx: TurnContext, pago: 'sin_pago' | 'contraentrega'): Turn {
  const ready = readyToPay(session, ctx);
  if ('turn' in ready) return ready.turn;
  const draft = ready.draft;
  const effect: Effect = {
    kind: 'create_order',
    draft,
    pago,
    ...(session.pagoPendiente ? { reemplaza: session.pagoPendiente.referencia } : {}),
  };
  // The runner sends the confirmation with the order id once the order exists.
  return { session: newSession(ctx.now), replies: [msg.orderInProgress()], effects: [effect] };
}

/**
 * Right before the payment link or the cash order (#16), everything is checked again, since
 * time passed while the customer typed: items sold out or repriced (the cart is shown
 * again), the hours, pauses and cut-off for this kind of delivery (no link is offered when
 * the kitchen could not make the order), and the zone and minimum for the current cart.
 */
function readyToPay(session: Session, ctx: TurnContext): { draft: OrderDraft } | { turn: Turn } {
  const checked = reconcileCart(session.carrito, ctx.tenant.menu);
  if (checked.removed.length > 0 || checked.repriced.length > 0) {
    return { turn: afterCartChange({ ...session, paso: 'ordenando' }, checked.cart, [msg.cartChangedNote(checked.removed, checked.repriced)]) };
  }
  const window = orderWindow(ctx, session.tipoEntrega ?? (ctx.tenant.domicilios ? 'domicilio' : undefined));
  const reason = closedReasonOf(window, ctx);
  const schedule = scheduleOf(window, ctx);
  if (reason && !schedule) {
    if (reason.kind === 'delivery_paused' && offersPickup(ctx)) return { turn: askAddressTurn(session, ctx) };
    return { turn: reply({ ...session, paso: 'ordenando' }, msg.closedReply(reason, false)) };
  }
  const delivery = checkDelivery(session, ctx);
  if (delivery.status === 'below_minimum') return { turn: askToConfirm({ ...session, paso: 'ordenando' }, [msg.belowMinimumNote(delivery.zona, delivery.minimo, delivery.falta)]) };
  if (delivery.status !== 'ok') return { turn: askAddressTurn(session, ctx) };
  const draft = buildOrderDraft(session, {
    ...delivery.extras,
    ...(schedule ? { programadoPara: schedule.at } : {}),
    ...(ctx.customer ? {} : { ofrecerGuardarDatos: true }),
  });
  if (!draft) return { turn: recoverMissingData(session, ctx) };
  return { draft };
}

/** A session that reached payment without a cart, address or phone (older data): ask for what is missing. */
function recoverMissingData(session: Session, ctx: TurnContext): Turn {
  if (session.carrito.length === 0) return reply(newSession(ctx.now), msg.cartEmpty());
  if (!session.direccion) return askAddressTurn(session, ctx);
  return askPhoneTurn(session, ctx);
}

// ---------------------------------------------------------------------------------------------
// Restaurant commands that work in any step (#16)

/** Consent to remember the data, "olvidar mis datos", a person, "lo mismo de siempre"; null for anything else. */
function restaurantCommand(session: Session, input: InboundInput, intent: Intent | null, ctx: TurnContext): Turn | null {
  if (input.kind === 'choice' && (input.id === ChoiceId.SAVE_DATA_YES || input.id === ChoiceId.SAVE_DATA_NO)) {
    const guardar = input.id === ChoiceId.SAVE_DATA_YES;
    return { session, replies: [guardar ? msg.dataSaved() : msg.dataNotSaved()], effects: [{ kind: 'save_customer', guardar }] };
  }
  if (intent === 'forget_data') return { session, replies: [msg.dataForgotten()], effects: [{ kind: 'forget_customer' }] };
  if (intent === 'human') {
    return { session: { ...session, atencion: { desde: ctx.now } }, replies: [msg.staffRequested()], effects: [{ kind: 'request_staff' }] };
  }
  if (intent === 'reorder' && (session.paso === 'inicio' || session.paso === 'ordenando')) return reorder(session, ctx);
  return null;
}

/** "lo mismo de siempre": the last order's available lines, at today's prices, in one message. */
function reorder(session: Session, ctx: TurnContext): Turn {
  const last = ctx.lastOrder;
  if (!last?.items?.length) return reply(session, msg.noPreviousOrder());
  const closed = closedTurn(session, ctx);
  if (closed) return closed;
  const result = reorderLines(session.carrito, last, ctx.tenant.menu);
  if (result.added === 0) return reply(session, msg.reorderNothingAvailable(result.missing));
  return askToConfirm({ ...session, carrito: result.cart }, [msg.reorderNote(result.missing)]);
}

/** Whether the runner must read the customer's last order for this input (#14 "¿y mi pedido?", #16 reorder). */
export function needsLastOrder(input: InboundInput): boolean {
  return intentOf(input) === 'reorder' || infoQuestionOf(input)?.kind === 'order_status';
}

// ---------------------------------------------------------------------------------------------
// Shared

function cancel(session: Session): Turn {
  const hadPendingPayment = session.pagoPendiente !== undefined;
  if (session.carrito.length === 0 && !hadPendingPayment) return reply({ ...session, paso: 'inicio' }, msg.nothingToCancel());
  return reply(newSession(session.actualizado), msg.orderCancelled(hadPendingPayment));
}

function help(session: Session, ctx: TurnContext): Turn {
  const helpReply = msg.help({
    paso: session.paso,
    methods: ctx.tenant.paymentMethods,
    hasSelfNumber: colombianMobileFromWaId(ctx.waId) !== null,
  });
  // While waiting for the payment, keep the buttons within reach.
  if (session.paso === 'esperando_pago') return { session, replies: [helpReply, ...pendingReminder(session, ctx)], effects: [] };
  return reply(session, helpReply);
}

function backToOrdering(session: Session, ctx: TurnContext): Turn {
  return showMenu({ ...session, paso: 'ordenando' }, ctx, { greet: false });
}

/** The menu without the tappable list, for steps where adding items is not possible right now. */
function menuAsText(ctx: TurnContext): Reply[] {
  return msg.menuReplies({
    restaurantName: ctx.tenant.restaurantName,
    menu: ctx.tenant.menu,
    greet: false,
    cart: [],
    canOrder: false,
  });
}

/** Asks again for whatever the current step needs. */
function reprompt(session: Session, ctx: TurnContext): Turn {
  switch (session.paso) {
    case 'inicio':
      return reply(session, msg.howToStart());
    case 'ordenando':
      return session.carrito.length > 0 ? askToConfirm(session) : reply({ ...session, paso: 'inicio' }, msg.howToStart());
    case 'direccion':
      return askAddressTurn(session, ctx);
    case 'telefono':
      return { session, replies: msg.askPhone(colombianMobileFromWaId(ctx.waId)), effects: [] };
    case 'metodo_pago':
      return { session, replies: msg.paymentMethods(ctx.tenant.paymentMethods, orderTotal(session, ctx)), effects: [] };
    case 'esperando_pago':
      return { session, replies: pendingReminder(session, ctx), effects: [] };
  }
}

function reply(session: Session, ...replies: Reply[]): Turn {
  return { session, replies, effects: [] };
}

function prepend(first: Reply, turn: Turn): Turn {
  return { ...turn, replies: [first, ...turn.replies] };
}

/** Adds a line on top of the turn's first text-bearing reply, so the note and the prompt arrive together. */
function prependNote(note: string, turn: Turn): Turn {
  const [first, ...others] = turn.replies;
  if (!first) return { ...turn, replies: [msg.textReply(note)] };
  const merged = `${note}\n\n${first.body}`;
  const limit = first.type === 'text' ? msg.WHATSAPP_LIMITS.textBody : msg.WHATSAPP_LIMITS.interactiveBody;
  if (merged.length > limit) return { ...turn, replies: [msg.textReply(note), ...turn.replies] };
  return { ...turn, replies: [{ ...first, body: merged }, ...others] };
}

function buildingStep(cart: readonly CartLine[]): Session['paso'] {
  return cart.length > 0 ? 'ordenando' : 'inicio';
}

// ---------------------------------------------------------------------------------------------
// Understanding commands. Phrases are compared after normalize() (lower-case, no accents or
// punctuation) and after dropping polite words around them ("cancelar por favor").

const INTENT_PHRASES: ReadonlyArray<[Intent, readonly string[]]> = [
  ['cancel', ['cancelar', 'cancela', 'cancelo', 'cancelado', 'cancelar pedido', 'cancelar el pedido', 'cancela el pedido', 'cancelar mi pedido', 'cancelar todo', 'anular', 'anular pedido', 'salir', 'ya no quiero', 'ya no quiero nada', 'no quiero nada']],
  ['help', ['ayuda', 'help', 'ayudame', 'ayudeme', 'como funciona', 'como pido', 'como hago', 'como hago un pedido', 'como pedir', 'que puedo hacer', 'opciones', 'comandos', 'instrucciones', 'no entiendo', 'necesito ayuda']],
  ['cart', ['carrito', 'ver', 'ver carrito', 'ver el carrito', 'mi carrito', 'ver mi carrito', 'el carrito', 'mi pedido', 'ver mi pedido', 'ver pedido', 'ver el pedido', 'pedido', 'el pedido', 'resumen', 'ver resumen', 'total', 'el total', 'cuenta', 'la cuenta', 'que llevo', 'cuanto llevo', 'cuanto es', 'cuanto va', 'cuanto seria', 'cuanto sale', 'cuanto es el total', 'cuanto debo']],
  ['clear', ['vaciar', 'vacia', 'vaciar carrito', 'vaciar el carrito', 'vaciar pedido', 'vaciar todo', 'borrar todo', 'quitar todo', 'eliminar todo', 'borrar carrito', 'limpiar', 'limpiar carrito']],
  ['confirm', ['confirmar', 'confirmo', 'confirma', 'confirmado', 'confirmar pedido', 'confirmo pedido', 'confirmar el pedido', 'si confirmo', 'si confirmar', 'listo confirmo', 'finalizar', 'finalizar pedido', 'terminar', 'terminar pedido', 'eso es todo', 'es todo', 'seria todo', 'eso seria todo', 'nada mas', 'solo eso', 'eso no mas', 'hacer pedido', 'enviar pedido', 'pagar']],
  ['yes', ['si', 's', 'sii', 'siii', 'sip', 'si senor', 'si senora', 'dale', 'ok', 'okay', 'okey', 'oki', 'va', 'de una', 'claro', 'si claro', 'correcto', 'bueno', 'perfecto', 'listo', 'esta bien', 'si esta bien', 'asi esta bien', 'exacto', 'afirmativo', 'yes']],
  ['no', ['no', 'nop', 'nope', 'nel', 'todavia no', 'aun no', 'no todavia', 'no aun', 'espera', 'esperame', 'un momento', 'no gracias']],
  ['change_method', ['cambiar', 'cambiar metodo', 'cambiar el metodo', 'cambiar metodo de pago', 'cambiar el metodo de pago', 'cambiar de metodo', 'otro metodo', 'otro metodo de pago', 'cambiar pago', 'cambiar forma de pago', 'otra forma de pago', 'pagar de otra forma', 'cambiar medio de pago', 'otro medio de pago']],
  ['use_own_phone', ['mismo', 'el mismo', 'este', 'este mismo', 'este numero', 'el mismo numero', 'mismo numero', 'este mismo numero', 'usar este numero', 'el de este chat', 'este whatsapp', 'el mismo de whatsapp', 'el de aqui', 'de este']],
  ['human', ['asesor', 'un asesor', 'asesora', 'hablar con un asesor', 'hablar con asesor', 'hablar con alguien', 'hablar con una persona', 'una persona', 'persona', 'con una persona', 'humano', 'un humano', 'hablar con un humano', 'agente', 'operador', 'atencion al cliente', 'servicio al cliente', 'necesito hablar con alguien', 'comunicarme con alguien', 'comunicarme con un asesor', 'hablar con el restaurante']],
  ['reorder', ['lo mismo de siempre', 'lo de siempre', 'lo mismo', 'lo mismo de la otra vez', 'lo mismo que la ultima vez', 'repetir', 'repetir pedido', 'repetir el pedido', 'repetir mi pedido', 'repetir ultimo pedido', 'repetir el ultimo pedido', 'repetir mi ultimo pedido', 'el mismo pedido', 'mi pedido de siempre', 'el pedido de siempre', 'pedir lo mismo', 'otra vez lo mismo']],
  ['forget_data', ['olvidar mis datos', 'olvida mis datos', 'olvidar datos', 'borrar mis datos', 'borra mis datos', 'eliminar mis datos', 'elimina mis datos', 'olvidame', 'no guardes mis datos']],
  ['pickup', ['recoger', 'para recoger', 'paso a recoger', 'voy a recoger', 'recojo', 'lo recojo', 'yo recojo', 'recoger en el local', 'paso por el', 'paso por el pedido', 'voy por el', 'lo paso a recoger', 'recogerlo']],
  ['same_address', ['la misma', 'la misma direccion', 'misma direccion', 'usar la misma direccion', 'la misma de antes', 'la misma de siempre', 'la de siempre', 'la direccion de siempre', 'la anterior', 'la direccion anterior']],
  ['menu', ['menu', 'carta', 'ver menu', 'ver el menu', 'ver la carta', 'el menu', 'la carta', 'catalogo', 'productos', 'ver productos']],
];
const PHRASE_INTENT = new Map<string, Intent>(INTENT_PHRASES.flatMap(([intent, phrases]) => phrases.map((phrase) => [phrase, intent] as const)));

const POLITE_LEADING = new Set(['por', 'favor', 'porfa', 'ok', 'bueno', 'entonces', 'quiero', 'quisiera', 'deseo', 'me', 'gustaria', 'puedes', 'podrias', 'mejor']);
const POLITE_TRAILING = new Set(['por', 'favor', 'porfa', 'porfis', 'pls', 'plis', 'please', 'ya', 'gracias']);

const GREETING_HEADS = new Set(['hola', 'holi', 'holis', 'ola', 'buenas', 'buenos', 'buen', 'hey', 'saludos', 'alo', 'hi', 'hello']);
const GREETING_WORDS = new Set([...GREETING_HEADS, 'dia', 'dias', 'tarde', 'tardes', 'noche', 'noches', 'que', 'tal', 'como', 'estas', 'esta', 'vecino', 'vecina', 'amigo', 'amiga', 'senor', 'senora', 'muy']);
const MENU_WORDS = new Set([
  'menu', 'carta', 'catalogo', 'ver', 'el', 'la', 'los', 'me', 'mostrar', 'muestrame', 'muestreme', 'muestra', 'enviame', 'envia', 'envias',
  'manda', 'mandame', 'mandas', 'pasame', 'pasa', 'pasas', 'regalame', 'regalas', 'dame', 'quiero', 'puedes', 'podrias', 'por', 'favor', 'porfa',
  'de', 'del', 'hoy', 'su', 'tu', 'sus', 'precios', 'productos', 'opciones', 'que', 'tienen', 'hay', 'ver', 'quisiera',
]);
const THANKS_HEADS = new Set(['gracias', 'grax', 'thanks', 'agradezco']);
const THANKS_WORDS = new Set([...THANKS_HEADS, 'muchas', 'mil', 'muy', 'amable', 'ok', 'listo', 'bueno', 'vale', 'perfecto', 'dios', 'le', 'te', 'se', 'lo', 'super']);
const PRICE_WORDS = new Set(['cuanto', 'cuesta', 'cuestan', 'vale', 'valen', 'precio', 'precios', 'valor']);

const REMOVE_VERBS = new Set([
  'quitar', 'quita', 'quitame', 'quitale', 'quite', 'quiten', 'eliminar', 'elimina', 'eliminame', 'elimine', 'borrar', 'borra', 'borrame', 'borre',
  'sacar', 'saca', 'sacame', 'saque', 'remover', 'remueve',
]);
const REMOVE_ALL = new Set(['todo', 'todos', 'toda', 'todo el pedido', 'el carrito', 'carrito', 'todo el carrito']);

/** Words around an answer to "¿cuál quieres?": "la primera porfa". */
const ANSWER_FILLER = new Set(['el', 'la', 'los', 'las', 'de', 'por', 'favor', 'porfa', 'mejor', 'quiero', 'pues', 'esa', 'ese', 'opcion']);

const METHOD_FILLER = new Set(['con', 'pagar', 'pago', 'pagare', 'pagaria', 'pagamos', 'en', 'por', 'quiero', 'el', 'la', 'de', 'metodo', 'opcion', 'prefiero', 'usar', 'uso', 'mediante', 'a', 'traves', 'numero', 'medio', 'forma', 'favor', 'porfa', 'mejor']);
const CASH_WORDS = new Set(['efectivo', 'contraentrega', 'cash', 'billete', 'recibir']);
const LIST_NUMBER_WORDS: Readonly<Record<string, number>> = { uno: 1, una: 1, primero: 1, primera: 1, dos: 2, segundo: 2, segunda: 2, tres: 3, tercero: 3, tercera: 3, cuatro: 4, cuarto: 4, cinco: 5, quinto: 5 };

function intentOf(input: InboundInput): Intent | null {
  if (input.kind === 'choice') return CHOICE_INTENT.get(input.id) ?? null;
  if (input.kind !== 'text') return null;
  const tokens = normalize(capInput(input.text)).split(' ').filter(Boolean);
  if (tokens.length === 0) return null;

  let start = 0;
  let end = tokens.length;
  while (start < end - 1 && POLITE_LEADING.has(tokens[start] ?? '')) start++;
  while (end - 1 > start && POLITE_TRAILING.has(tokens[end - 1] ?? '')) end--;
  const phrase = PHRASE_INTENT.get(tokens.slice(start, end).join(' ')) ?? PHRASE_INTENT.get(tokens.join(' '));
  if (phrase) return phrase;

  if (tokens.every((token) => GREETING_WORDS.has(token)) && tokens.some((token) => GREETING_HEADS.has(token))) return 'greeting';
  if (tokens.some((token) => token === 'menu' || token === 'carta') && tokens.every((token) => MENU_WORDS.has(token) || GREETING_WORDS.has(token))) return 'menu';
  if (tokens.every((token) => THANKS_WORDS.has(token)) && tokens.some((token) => THANKS_HEADS.has(token))) return 'thanks';
  if (tokens.some((token) => PRICE_WORDS.has(token)) && tokens.length <= 8) return 'price_question';
  return null;
}

const CHOICE_INTENT = new Map<string, Intent>([
  [ChoiceId.MENU, 'menu'],
  [ChoiceId.CART_VIEW, 'cart'],
  [ChoiceId.CART_CLEAR, 'clear'],
  [ChoiceId.ORDER_CONFIRM, 'confirm'],
  [ChoiceId.ORDER_CANCEL, 'cancel'],
  [ChoiceId.PAY_CHANGE, 'change_method'],
  [ChoiceId.PHONE_SELF, 'use_own_phone'],
  [ChoiceId.PICKUP, 'pickup'],
  [ChoiceId.ADDRESS_SAME, 'same_address'],
  [ChoiceId.REORDER, 'reorder'],
]);

function hasGreeting(text: string): boolean {
  return normalize(text)
    .split(' ')
    .some((token) => GREETING_HEADS.has(token));
}
