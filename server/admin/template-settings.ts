import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { WHATSAPP_TEMPLATE_KEYS, ZWhatsappTemplatesSchema, type TWhatsappTemplates } from '../db/records';
import type { TenantStore } from '../tenants/tenant-store';

/**
 * The owners' API for the tenant's approved utility templates (`whatsapp.plantillas`), used for
 * notices outside WhatsApp's 24-hour window (#15). A missing key means "no template": such a
 * notice is then marked failed and listed in the alerts instead of being sent blindly.
 */
export const ZTemplatesUpdateSchema = z.object({ plantillas: ZWhatsappTemplatesSchema }).strict();
export type TTemplatesUpdate = z.output<typeof ZTemplatesUpdateSchema>;

export async function getTemplates(db: Database, tenantId: string): Promise<{ plantillas: TWhatsappTemplates; claves: readonly string[] }> {
  const parsed = ZWhatsappTemplatesSchema.safeParse((await readValue(db, `${paths.whatsapp(tenantId)}/plantillas`)) ?? {});
  return { plantillas: parsed.success ? parsed.data : {}, claves: WHATSAPP_TEMPLATE_KEYS };
}

export async function replaceTemplates(deps: { db: Database; tenants: TenantStore }, tenantId: string, body: TTemplatesUpdate): Promise<{ plantillas: TWhatsappTemplates; claves: readonly string[] }> {
  const value = Object.keys(body.plantillas).length ? body.plantillas : null;
  await withTimeout(deps.db.ref(`${paths.whatsapp(tenantId)}/plantillas`).set(value), 'templates');
  deps.tenants.invalidate(tenantId);
  return getTemplates(deps.db, tenantId);
}
