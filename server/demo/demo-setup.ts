import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'firebase-admin/database';
import { z } from 'zod';
import { readValue } from '../db/firebase';
import { paths } from '../db/paths';
import { demoGateway } from '../payments/adapters';
import { DEFAULT_GATEWAY_ENVIRONMENT } from '../payments/gateway';
import { importTenant } from '../tenants/import-tenant';
import type { SecretsKey } from '../tenants/secrets-crypto';
import { ZTenantFileSchema, type TTenantFile } from '../tenants/tenant-file';

/** Secrets the embedded default generates once and keeps with its data. */
export const ZDemoSecretsSchema = z.object({
  SECRETS_KEY: z.string(),
  WHATSAPP_APP_SECRET: z.string(),
  WHATSAPP_VERIFY_TOKEN: z.string(),
  SANDBOX_SECRET: z.string(),
});
export type TDemoSecrets = z.infer<typeof ZDemoSecretsSchema>;

export const DEMO_TENANT_ID = 'demo';
export const DEMO_PHONE_NUMBER_ID = '100200300';
export const DEMO_DISPLAY_NUMBER = '573001112233';

/** Reads the demo secrets, or makes and saves them (readable only by the owner of the file). */
export function ensureDemoSecrets(dataDir: string): TDemoSecrets {
  const file = join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) {
    const parsed = ZDemoSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  const secrets: TDemoSecrets = {
    SECRETS_KEY: randomBytes(32).toString('base64'),
    WHATSAPP_APP_SECRET: randomBytes(24).toString('hex'),
    WHATSAPP_VERIFY_TOKEN: randomBytes(12).toString('hex'),
    SANDBOX_SECRET: randomBytes(24).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** A believable Bogotá fast-food menu; "Quiero 2 hamburguesas y 1 coca cola" costs $33.000 here. */
export function demoTenantFile(sandboxSecret: string): TTenantFile {
  return ZTenantFileSchema.parse({
    id: DEMO_TENANT_ID,
    restaurant: { name: 'La Hamburguesería de la 80' },
    whatsapp: { phoneNumberId: DEMO_PHONE_NUMBER_ID, displayPhoneNumber: DEMO_DISPLAY_NUMBER, accessToken: 'demo-access-token' },
    menu: [
      // `alias`: other names customers use (#14); common short forms (coca, perro, salchi…) are built in.
      { numero: '1', nombre: 'Hamburguesa', precio: 15000, categoria: 'Platos', alias: ['burger', 'hamburguesa sencilla'] },
      { numero: '2', nombre: 'Hamburguesa doble', precio: 22000, categoria: 'Platos' },
      { numero: '3', nombre: 'Perro caliente', precio: 12000, categoria: 'Platos', alias: ['hot dog'] },
      { numero: '4', nombre: 'Salchipapa', precio: 14000, categoria: 'Platos' },
      { numero: '5', nombre: 'Arepa rellena', precio: 9000, categoria: 'Platos' },
      { numero: '6', nombre: 'Papas fritas', precio: 6000, categoria: 'Acompañamientos' },
      { numero: '7', nombre: 'Patacones', precio: 7000, categoria: 'Acompañamientos' },
      { numero: '8', nombre: 'Empanadas', precio: 6500, categoria: 'Acompañamientos' },
      { numero: '9', nombre: 'Coca Cola', precio: 3000, categoria: 'Bebidas' },
      { numero: '10', nombre: 'Limonada de coco', precio: 7000, categoria: 'Bebidas' },
      { numero: '11', nombre: 'Jugo de mora', precio: 5500, categoria: 'Bebidas' },
      { numero: '12', nombre: 'Agua', precio: 2500, categoria: 'Bebidas' },
    ],
    payments: {
      enabled: true,
      efectivo: true,
      [demoGateway.sandboxAdapter.id]: { enabled: true, environment: DEFAULT_GATEWAY_ENVIRONMENT, secret: sandboxSecret },
    },
  });
}

/** Imports the demo restaurant on first start; later starts keep whatever is there. */
export async function ensureDemoTenant(db: Database, key: SecretsKey, sandboxSecret: string): Promise<boolean> {
  if (await readValue(db, paths.restaurant(DEMO_TENANT_ID))) return false;
  await importTenant(db, demoTenantFile(sandboxSecret), key);
  return true;
}
