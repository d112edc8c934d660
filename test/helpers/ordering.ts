import type { Harness } from './harness';

/** Chats up to the payment method list: 2 hamburguesas + 1 coca cola = $33.000 on the test menus. */
export async function orderUpToMethods(h: Harness, phoneNumberId: string, waId: string): Promise<string[]> {
  await h.say(phoneNumberId, waId, 'Quiero 2 hamburguesas y 1 coca cola');
  await h.say(phoneNumberId, waId, 'confirmar');
  await h.say(phoneNumberId, waId, 'Calle 80 #12-34');
  return h.say(phoneNumberId, waId, '3001234567');
}

/** Picks a payment method by what the customer types; returns the new payment reference. */
export async function chooseMethod(h: Harness, phoneNumberId: string, tenantId: string, waId: string, text: string): Promise<{ reference: string; texts: string[] }> {
  const texts = await h.say(phoneNumberId, waId, text);
  const session = await h.read<{ pagoPendiente?: { referencia: string } }>(`tenants/${tenantId}/sesiones/${waId}`);
  if (!session?.pagoPendiente) throw new Error(`no payment started; the bot said: ${texts.join(' | ')}`);
  return { reference: session.pagoPendiente.referencia, texts };
}

/** The orders of one customer. */
export async function ordersOf(h: Harness, tenantId: string, waId: string): Promise<any[]> {
  return Object.values((await h.read<Record<string, Record<string, any>>>(`tenants/${tenantId}/pedidos`)) ?? {}).filter((o) => o.cliente === waId);
}
