import type { NextFunction, Request, Response } from 'express';
import type { App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../db/paths';
import { AppError, ErrorCode } from '../errors';

/**
 * Who is calling the owners' API: a Firebase Auth user whose custom claims say which
 * restaurant (`tenantId`) and what role. `admin` is the platform operator and has no tenant.
 */
export type AdminRole = 'owner' | 'staff' | 'admin';

export interface Identity {
  uid: string;
  role: AdminRole;
  /** The restaurant an owner or staff member belongs to; null for admins. */
  tenantId: string | null;
  /** Every restaurant the user may reach: `tenantId` first, then those an owner created (#17). Empty for admins. */
  tenantIds: string[];
  email?: string;
  /** When the ID token stops being valid (ms since epoch); streams close then. */
  expiresAtMs: number;
}

/** Verifies an ID token; throws AppError UNAUTHENTICATED (401) or FORBIDDEN (403). */
export interface TokenVerifier {
  verify(idToken: string): Promise<Identity>;
}

/** Custom claims as `npm run user` sets them and the database rules read them. */
export const ZIdentityClaimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), tenantId: z.string().optional() }),
  z.object({
    role: z.enum(['owner', 'staff']),
    tenantId: z.string().regex(TENANT_ID_PATTERN),
    /** Restaurants an owner created from the owners' page (#17), added by the server with setCustomUserClaims. */
    tenants: z.array(z.string().regex(TENANT_ID_PATTERN)).max(20).optional(),
  }),
]);

/** How many restaurants one owner may create: custom claims are capped at 1000 bytes, and a signed-in owner is not a platform admin. */
export const MAX_CREATED_TENANTS = 10;

/** What `verifyIdToken` gives back, as far as we read it. */
const ZDecodedTokenSchema = z.looseObject({
  uid: z.string().min(1),
  exp: z.number(),
  email: z.string().optional(),
});

/**
 * Turns a decoded token into an Identity, or says in plain words what is missing. Pure, so
 * the claim rules are unit-tested without an Auth server.
 */
export function identityFromClaims(decoded: Record<string, unknown>): Identity {
  const base = ZDecodedTokenSchema.safeParse(decoded);
  if (!base.success) throw new AppError(ErrorCode.UNAUTHENTICATED, { userMessage: 'token inválido; inicia sesión de nuevo' });
  const claims = ZIdentityClaimsSchema.safeParse(decoded);
  if (!claims.success) {
    throw new AppError(ErrorCode.FORBIDDEN, {
      message: `user ${base.data.uid} has no valid role/tenantId claims`,
      userMessage: 'tu usuario no tiene un restaurante ni un rol asignado; pide al administrador que lo configure (npm run user)',
    });
  }
  return {
    uid: base.data.uid,
    role: claims.data.role,
    tenantId: claims.data.role === 'admin' ? null : claims.data.tenantId,
    tenantIds: claims.data.role === 'admin' ? [] : [...new Set([claims.data.tenantId, ...(claims.data.tenants ?? [])])],
    ...(base.data.email ? { email: base.data.email } : {}),
    expiresAtMs: base.data.exp * 1000,
  };
}

/**
 * firebase-admin reads the Auth emulator's address only from the FIREBASE_AUTH_EMULATOR_HOST
 * environment variable (it has no option for it), so the value config validated is handed to
 * it here. Without it the SDK verifies real, Google-signed tokens.
 */
export function useAuthEmulator(emulatorHost: string | undefined): void {
  if (emulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost;
}

/** Verifies ID tokens with firebase-admin (emulator tokens when an emulator is configured). */
export function firebaseTokenVerifier(options: { app: App; emulatorHost?: string }): TokenVerifier {
  useAuthEmulator(options.emulatorHost);
  const auth = getAuth(options.app);
  return {
    async verify(idToken) {
      let decoded: Record<string, unknown>;
      try {
        decoded = (await auth.verifyIdToken(idToken)) as unknown as Record<string, unknown>;
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'unknown';
        const expired = code === 'auth/id-token-expired';
        // The token itself is never part of the error: only the SDK's code.
        throw new AppError(ErrorCode.UNAUTHENTICATED, {
          message: `ID token rejected (${code})`,
          userMessage: expired ? 'la sesión venció; inicia sesión de nuevo' : 'token inválido; inicia sesión de nuevo',
        });
      }
      return identityFromClaims(decoded);
    },
  };
}

/** The bearer token of a request: the Authorization header, or `?token=` where allowed (EventSource cannot set headers). */
export function readBearerToken(req: Request, allowQuery: boolean): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match?.[1]) return match[1];
  if (allowQuery && typeof req.query.token === 'string' && req.query.token.length > 0) return req.query.token;
  return null;
}

/** Adds a restaurant to an owner's claims, so their next ID token reaches it. */
export interface ClaimsWriter {
  addTenant(uid: string, tenantId: string): Promise<void>;
}

/**
 * firebase-admin's setCustomUserClaims. The claims are read from the user record (not the
 * caller's token, which may be an hour old) and only ever extended by one tenant id; calls are
 * serialized per process, so two creations at once do not drop one another's id.
 */
export function firebaseClaimsWriter(options: { app: App; emulatorHost?: string }): ClaimsWriter {
  useAuthEmulator(options.emulatorHost);
  const auth = getAuth(options.app);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    addTenant(uid, tenantId) {
      const run = async () => {
        const user = await auth.getUser(uid);
        const claims = ZIdentityClaimsSchema.safeParse(user.customClaims ?? {});
        if (!claims.success || claims.data.role !== 'owner') throw new AppError(ErrorCode.FORBIDDEN, { userMessage: 'solo un dueño puede crear restaurantes' });
        const tenants = [...new Set([...(claims.data.tenants ?? []), tenantId])];
        await auth.setCustomUserClaims(uid, { ...user.customClaims, tenants });
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/** Express middleware: 401 without a valid token; the identity goes to `res.locals.identity`. */
export function authenticate(verifier: TokenVerifier, options: { allowQueryToken?: boolean } = {}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = readBearerToken(req, options.allowQueryToken === true);
    if (!token) {
      next(new AppError(ErrorCode.UNAUTHENTICATED, { userMessage: 'falta el token: envía Authorization: Bearer <ID token de Firebase>' }));
      return;
    }
    try {
      res.locals.identity = await verifier.verify(token);
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function identityOf(res: Response): Identity {
  const identity = res.locals.identity as Identity | undefined;
  if (!identity) throw new AppError(ErrorCode.UNAUTHENTICATED, { userMessage: 'inicia sesión' });
  return identity;
}

/** What a route touches: orders (owners and staff) or the restaurant's settings (owners only). */
export type AccessScope = 'orders' | 'settings';

/**
 * Owners see only their tenant; staff only its orders; admins everything. Checked before the
 * tenant's existence, so a stranger cannot tell which tenant ids exist.
 */
export function assertTenantAccess(identity: Identity, tenantId: string, scope: AccessScope): void {
  if (identity.role === 'admin') return;
  if (!identity.tenantIds.includes(tenantId)) {
    throw new AppError(ErrorCode.FORBIDDEN, { message: `${identity.uid} (${identity.tenantId}) asked for tenant ${tenantId}`, userMessage: 'no tienes acceso a este restaurante' });
  }
  if (scope === 'settings' && identity.role !== 'owner') {
    throw new AppError(ErrorCode.FORBIDDEN, { userMessage: 'solo el dueño del restaurante puede ver o cambiar esta configuración; el personal de cocina solo maneja pedidos' });
  }
}
