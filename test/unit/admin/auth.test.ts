import { assertTenantAccess, identityFromClaims, type Identity } from '../../../server/admin/auth';
import { maskCredential } from '../../../server/admin/payments-settings';
import { AppError } from '../../../server/errors';

const exp = 1_900_000_000;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('identityFromClaims', () => {
  it('reads owner and staff claims with their tenant', () => {
    expect(identityFromClaims({ uid: 'u1', exp, email: 'a@b.co', tenantId: 't1', role: 'owner' })).toEqual({ uid: 'u1', role: 'owner', tenantId: 't1', tenantIds: ['t1'], email: 'a@b.co', expiresAtMs: exp * 1000 });
    expect(identityFromClaims({ uid: 'u2', exp, tenantId: 't1', role: 'staff' })).toMatchObject({ role: 'staff', tenantId: 't1' });
  });

  it('adds the restaurants an owner created to the ones they reach (#17)', () => {
    expect(identityFromClaims({ uid: 'u1', exp, tenantId: 't1', role: 'owner', tenants: ['t2', 't1'] })).toMatchObject({ tenantId: 't1', tenantIds: ['t1', 't2'] });
  });

  it('gives admins no tenant', () => {
    expect(identityFromClaims({ uid: 'u3', exp, role: 'admin' })).toMatchObject({ role: 'admin', tenantId: null });
  });

  it.each([
    ['no claims', {}],
    ['a role without tenant', { role: 'owner' }],
    ['a tenant without role', { tenantId: 't1' }],
    ['an unknown role', { role: 'customer', tenantId: 't1' }],
    ['a tenant id that is not one', { role: 'staff', tenantId: 'a/b' }],
    ['a created tenant id that is not one', { role: 'owner', tenantId: 't1', tenants: ['../x'] }],
  ])('refuses %s with 403', (_what, claims) => {
    expect(codeOf(() => identityFromClaims({ uid: 'u', exp, ...claims }))).toBe('FORBIDDEN');
  });
});

describe('assertTenantAccess', () => {
  const who = (role: Identity['role'], tenantId: string | null, more: string[] = []): Identity => ({ uid: 'u', role, tenantId, tenantIds: tenantId ? [tenantId, ...more] : [], expiresAtMs: 0 });

  it('lets owners into their tenant for orders and settings', () => {
    expect(codeOf(() => assertTenantAccess(who('owner', 't1'), 't1', 'settings'))).toBeUndefined();
    expect(codeOf(() => assertTenantAccess(who('owner', 't1'), 't1', 'orders'))).toBeUndefined();
  });

  it('lets staff see orders but not settings', () => {
    expect(codeOf(() => assertTenantAccess(who('staff', 't1'), 't1', 'orders'))).toBeUndefined();
    expect(codeOf(() => assertTenantAccess(who('staff', 't1'), 't1', 'settings'))).toBe('FORBIDDEN');
  });

  it('keeps everyone but admins out of other tenants', () => {
    expect(codeOf(() => assertTenantAccess(who('owner', 't1'), 't2', 'orders'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertTenantAccess(who('staff', 't1'), 't2', 'orders'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertTenantAccess(who('admin', null), 't2', 'settings'))).toBeUndefined();
  });

  it('lets an owner into the restaurants in their claims and no other (#17)', () => {
    expect(codeOf(() => assertTenantAccess(who('owner', 't1', ['t2']), 't2', 'settings'))).toBeUndefined();
    expect(codeOf(() => assertTenantAccess(who('owner', 't1', ['t2']), 't3', 'settings'))).toBe('FORBIDDEN');
  });
});

describe('maskCredential', () => {
  it('shows only the last 4 characters', () => {
    expect(maskCredential('prv_test_abcd1234')).toBe('••••1234');
    expect(maskCredential('short')).toBe('••••');
  });
});
