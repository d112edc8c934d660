import type { Database } from 'firebase-admin/database';
import { readValue, withTimeout } from '../db/firebase';
import { paths } from '../db/paths';
import { GATEWAY_IDS } from '../payments/adapters';
import type { SecretsKey } from './secrets-crypto';
import type { TTenantFile } from './tenant-file';

export class TenantImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantImportError';
  }
}

/** Menu item keys are derived from `numero`, so importing again updates items in place. */
export const menuItemKey = (numero: string): string => `item-${numero}`;

/**
 * Writes a validated tenant file in one multi-path update (all or nothing). Importing the
 * same file again gives the same data; a changed file replaces menu, payments and secrets.
 */
export async function importTenant(db: Database, file: TTenantFile, key: SecretsKey): Promise<{ created: boolean }> {
  const tenantId = file.id;
  const previous = await readValue<{ phoneNumberId?: string }>(db, paths.whatsapp(tenantId));
  const owner = await readValue<string>(db, paths.phoneNumber(file.whatsapp.phoneNumberId));
  if (owner && owner !== tenantId) {
    throw new TenantImportError(`whatsapp.phoneNumberId ${file.whatsapp.phoneNumberId} already belongs to tenant "${owner}"`);
  }

  const update: Record<string, unknown> = {};
  update[paths.restaurant(tenantId)] = file.restaurant;
  update[paths.whatsapp(tenantId)] = {
    phoneNumberId: file.whatsapp.phoneNumberId,
    displayPhoneNumber: file.whatsapp.displayPhoneNumber ?? null,
    plantillas: file.whatsapp.plantillas ?? null,
  };
  update[paths.menu(tenantId)] = Object.fromEntries(
    file.menu.map((item) => [
      menuItemKey(item.numero),
      {
        numero: item.numero,
        nombre: item.nombre,
        precio: item.precio,
        categoria: item.categoria ?? null,
        disponible: item.disponible,
        alias: item.alias?.length ? item.alias : null,
        opciones: item.opciones ?? null,
      },
    ]),
  );
  // Settings of #16: a file without them removes them, so the restaurant is always open again,
  // delivers without zones and uses the default handoff time. The hours take the restaurant's
  // time zone when they name none. `pausa` is the kitchen's, not the file's: left as it is.
  update[paths.horario(tenantId)] = file.horario ? { ...file.horario, zona: file.horario.zona ?? file.restaurant.timezone } : null;
  update[paths.domicilios(tenantId)] = file.domicilios ?? null;
  update[paths.atencion(tenantId)] = file.atencion ?? null;
  const payments: Record<string, unknown> = { enabled: file.payments.enabled, efectivo: file.payments.efectivo };
  for (const gateway of GATEWAY_IDS) {
    const block = file.payments[gateway];
    if (block) {
      const { enabled, ...creds } = block as { enabled: boolean; environment: string } & Record<string, unknown>;
      payments[gateway] = { enabled, environment: creds.environment };
      update[paths.secret(tenantId, gateway)] = key.encrypt(creds, { tenantId, kind: gateway });
    } else {
      update[paths.secret(tenantId, gateway)] = null;
    }
  }
  update[paths.paymentsConfig(tenantId)] = payments;
  update[paths.secret(tenantId, 'whatsapp')] = key.encrypt({ accessToken: file.whatsapp.accessToken }, { tenantId, kind: 'whatsapp' });
  update[paths.phoneNumber(file.whatsapp.phoneNumberId)] = tenantId;
  if (previous?.phoneNumberId && previous.phoneNumberId !== file.whatsapp.phoneNumberId) {
    update[paths.phoneNumber(previous.phoneNumberId)] = null;
  }
  await withTimeout(db.ref().update(update), `import tenant ${tenantId}`);
  return { created: !previous };
}
