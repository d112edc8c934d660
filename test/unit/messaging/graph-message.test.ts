import { WHATSAPP_LIMITS as LIMITS } from '../../../server/conversation/messages.es-CO';
import { toGraphMessage } from '../../../server/messaging/graph-client';

describe('toGraphMessage', () => {
  it('cuts button titles to 20 characters and keeps ids', () => {
    const m = toGraphMessage({ type: 'buttons', body: 'Hola', buttons: [{ id: 'order:confirm', title: 'Confirmar mi pedido ahora mismo' }] }) as any;
    expect(m.interactive.action.buttons[0].reply).toEqual({ id: 'order:confirm', title: 'Confirmar mi pedido…' });
    expect(m.interactive.action.buttons[0].reply.title.length).toBeLessThanOrEqual(LIMITS.buttonTitle);
  });

  it('turns more than three buttons into text instead of a request Meta would refuse', () => {
    const m = toGraphMessage({
      type: 'buttons',
      body: 'Elige',
      buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `Opción ${n}` })),
    }) as any;
    expect(m.type).toBe('text');
    expect(m.text.body).toContain('Opción 4');
  });

  it('turns a list with more than ten rows into text', () => {
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `item:${i}`, title: `Plato ${i}` }));
    const m = toGraphMessage({ type: 'list', body: 'Menú', button: 'Ver menú', sections: [{ title: 'Platos', rows }] }) as any;
    expect(m.type).toBe('text');
    expect(m.text.body).toContain('Plato 10');
  });

  it('cuts list row titles to 24 and descriptions to 72 characters', () => {
    const m = toGraphMessage({
      type: 'list',
      body: 'Menú',
      button: 'Ver menú',
      sections: [{ title: 'Platos', rows: [{ id: 'item:1', title: 'Hamburguesa doble con tocineta y queso', description: 'x'.repeat(100) }] }],
    }) as any;
    const row = m.interactive.action.sections[0].rows[0];
    expect(row.title.length).toBe(24);
    expect(row.description.length).toBe(72);
  });

  it('sends a payment link as a CTA URL button', () => {
    const m = toGraphMessage({ type: 'cta_url', body: 'Total $33.000', displayText: 'Pagar ahora', url: 'https://x.test/pay/r' }) as any;
    expect(m.interactive).toMatchObject({ type: 'cta_url', action: { name: 'cta_url', parameters: { display_text: 'Pagar ahora', url: 'https://x.test/pay/r' } } });
  });

  it('asks for a link preview only when the text has a link', () => {
    expect((toGraphMessage({ type: 'text', body: 'hola' }) as any).text.preview_url).toBe(false);
    expect((toGraphMessage({ type: 'text', body: 'paga en https://x.test' }) as any).text.preview_url).toBe(true);
  });
});
