import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importTenant, TenantImportError } from '../../../server/tenants/import-tenant';
import { describeTenantFileErrors, ZTenantFileSchema } from '../../../server/tenants/tenant-file';
import { startHarness, tenantFile, type Harness } from '../../helpers/harness';

const run = promisify(execFile);

describe('importing a tenant file', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('writes settings, routing and encrypted secrets; importing again updates without duplicating', async () => {
    const file = tenantFile({
      id: 'imp1',
      whatsapp: { phoneNumberId: '5550001', displayPhoneNumber: '573001112233', accessToken: 'EAAG-secret-token' },
      payments: { enabled: true, efectivo: true, wompi: { enabled: true, environment: 'sandbox', publicKey: 'pub_test_a', privateKey: 'prv_test_a', integritySecret: 'test_integrity_a', eventsSecret: 'test_events_a' } },
    });
    expect(await importTenant(h.db, file, h.secretsKey)).toEqual({ created: true });
    expect(await h.read('phoneNumbers/5550001')).toBe('imp1');
    expect(await h.read('tenants/imp1/payments')).toEqual({ enabled: true, efectivo: true, wompi: { enabled: true, environment: 'sandbox' } });
    const secrets = JSON.stringify(await h.read('secrets/imp1'));
    expect(secrets).not.toContain('prv_test_a');
    expect(secrets).not.toContain('EAAG-secret-token');
    expect(Object.keys((await h.read<object>('tenants/imp1/menu')) ?? {})).toHaveLength(file.menu.length);

    const changed = { ...file, whatsapp: { ...file.whatsapp, phoneNumberId: '5550002' }, menu: file.menu.slice(0, 2), payments: { enabled: false, efectivo: false } };
    expect(await importTenant(h.db, changed, h.secretsKey)).toEqual({ created: false });
    expect(await h.read('phoneNumbers/5550001')).toBeNull();
    expect(await h.read('phoneNumbers/5550002')).toBe('imp1');
    expect(Object.keys((await h.read<object>('tenants/imp1/menu')) ?? {})).toHaveLength(2);
    expect(await h.read('secrets/imp1/wompi')).toBeNull();
  });

  it("refuses a phone number id that belongs to another restaurant", async () => {
    await importTenant(h.db, tenantFile({ id: 'imp2', whatsapp: { phoneNumberId: '5550003', accessToken: 't' } }), h.secretsKey);
    await expect(importTenant(h.db, tenantFile({ id: 'imp3', whatsapp: { phoneNumberId: '5550003', accessToken: 't' } }), h.secretsKey)).rejects.toThrow(TenantImportError);
  });

  it('explains every invalid field in words', () => {
    const parsed = ZTenantFileSchema.safeParse({
      id: 'bad_id',
      restaurant: { name: '' },
      whatsapp: { phoneNumberId: 'abc', accessToken: '' },
      menu: [{ numero: '1', nombre: 'Hamburguesa', precio: 15000.5 }, { numero: '1', nombre: 'Otra', precio: 1000 }],
      payments: { enabled: true, wompi: { enabled: true, environment: 'production', publicKey: 'pub_test_x', privateKey: 'prv_test_x', integritySecret: 'a', eventsSecret: 'b' } },
    });
    expect(parsed.success).toBe(false);
    const text = describeTenantFileErrors(parsed.error!).join('\n');
    for (const path of ['id:', 'restaurant.name:', 'whatsapp.phoneNumberId:', 'whatsapp.accessToken:', 'menu.0.precio:', 'payments.wompi.publicKey:']) expect(text).toContain(path);
  });

  it('refuses two menu items with the same number', () => {
    const parsed = ZTenantFileSchema.safeParse({ ...tenantFile({ id: 'dup' }), menu: [{ numero: '1', nombre: 'A', precio: 1000 }, { numero: '1', nombre: 'B', precio: 2000 }] });
    expect(parsed.success).toBe(false);
    expect(describeTenantFileErrors(parsed.error!).join('\n')).toContain('menu.1.numero: "1" is used by two items');
  });

  it('npm run tenant -- import rejects an invalid file with the reasons and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'x', menu: [] }));
    const result = await run(process.execPath, ['--import', 'tsx', 'server/cli/tenant.ts', 'import', file], { env: { PATH: process.env.PATH, DATA_DIR: dir } }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/not a valid tenant file[\s\S]*restaurant[\s\S]*menu/);
  });
});
