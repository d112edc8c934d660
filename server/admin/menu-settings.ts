import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { ZMenuItemRecordSchema } from '../db/records';
import { menuItemKey } from '../tenants/import-tenant';
import type { TenantStore } from '../tenants/tenant-store';

/**
 * The owner's menu: the whole list is replaced on save, with the tenant file's rules (a short
 * `numero` each, unique; whole pesos). Keys derive from `numero` as the import does, so a
 * later `npm run tenant -- import` updates the same items.
 */
export const ZMenuItemInputSchema = z
  .object({
    numero: z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().regex(/^[A-Za-z0-9-]{1,10}$/, 'un código corto como "1" o "12"')),
    nombre: z.string().trim().min(1).max(60),
    precio: z.number().int('en pesos enteros, sin decimales').positive().max(10_000_000),
    categoria: z.string().trim().max(40).optional().transform((s) => (s ? s : undefined)),
    disponible: z.boolean().default(true),
    /** Other names customers use for this item (#14). */
    alias: z.array(z.string().trim().min(1).max(40)).max(10).optional(),
  })
  .strict();

/** A whole menu as owners send it: 1–300 items, each `numero` used once. */
export const ZMenuItemsSchema = z
  .array(ZMenuItemInputSchema)
  .min(1, 'el menú necesita al menos un producto')
  .max(300)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.numero)) ctx.addIssue({ code: 'custom', path: [i, 'numero'], message: `el número "${item.numero}" está repetido` });
      seen.add(item.numero);
    });
  });

export const ZMenuUpdateSchema = z.object({ items: ZMenuItemsSchema }).strict();
export type TMenuUpdate = z.infer<typeof ZMenuUpdateSchema>;

export interface MenuItemView {
  itemId: string;
  numero: string;
  nombre: string;
  precio: number;
  categoria: string | null;
  disponible: boolean;
  /** Present only when the owner set some (#14). */
  alias?: string[];
}

const byNumero = (a: MenuItemView, b: MenuItemView) => {
  const an = Number(a.numero);
  const bn = Number(b.numero);
  return Number.isFinite(an) && Number.isFinite(bn) ? an - bn : a.numero.localeCompare(b.numero);
};

export async function getMenu(db: Database, tenantId: string): Promise<{ items: MenuItemView[] }> {
  const raw = (await readValue<Record<string, unknown>>(db, paths.menu(tenantId))) ?? {};
  const items: MenuItemView[] = [];
  for (const [itemId, value] of Object.entries(raw)) {
    const parsed = ZMenuItemRecordSchema.safeParse(value);
    if (parsed.success) {
      const { alias, ...rest } = parsed.data;
      items.push({ itemId, ...rest, categoria: rest.categoria ?? null, ...(alias?.length ? { alias } : {}) });
    }
  }
  return { items: items.sort(byNumero) };
}

/**
 * Replaces the list of items, keeping what this form does not edit: each kept item's option
 * groups (`opciones`, edited on their own) and its sold-out time (`agotadoHasta`, set from the
 * kitchen board). A transaction, so a change made meanwhile to those fields is not lost.
 */
export async function replaceMenu(deps: { db: Database; tenants: TenantStore }, tenantId: string, body: TMenuUpdate): Promise<{ items: MenuItemView[] }> {
  const fresh = body.items.map((item) => [
    menuItemKey(item.numero),
    { numero: item.numero, nombre: item.nombre, precio: item.precio, categoria: item.categoria ?? null, disponible: item.disponible, alias: item.alias?.length ? item.alias : null },
  ] as const);
  await withTimeout(
    deps.db.ref(paths.menu(tenantId)).transaction((current: unknown) => {
      const stored = current && typeof current === 'object' ? (current as Record<string, Record<string, unknown> | null>) : {};
      return Object.fromEntries(
        fresh.map(([key, item]) => {
          const before = stored[key];
          return [key, { ...item, opciones: before?.opciones ?? null, agotadoHasta: item.disponible ? null : (before?.agotadoHasta ?? null) }];
        }),
      );
    }),
    'menu',
  );
  deps.tenants.invalidate(tenantId);
  return getMenu(deps.db, tenantId);
}
