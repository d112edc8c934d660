import { z } from 'zod';
import { TENANT_ID_PATTERN, PHONE_NUMBER_ID_PATTERN } from '../db/paths';
import { perGateway, type GatewayCredentialsById, type GatewayId } from '../payments/adapters';

/**
 * The tenant file (`npm run tenant -- import <file.json>`), DESIGN.md "Contracts". Non-secret
 * settings go to `tenants/{id}`; credentials are encrypted into `secrets/{id}`.
 */
const ZMenuEntrySchema = z
  .object({
    numero: z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().regex(/^[A-Za-z0-9-]{1,10}$/, 'must be a short code such as "1" or "12"')),
    nombre: z.string().trim().min(1).max(60),
    precio: z.number().int('must be whole pesos (no decimals)').positive().max(10_000_000),
    categoria: z.string().trim().min(1).max(40).optional(),
    disponible: z.boolean().default(true),
  })
  .strict();

const ZEnabledSchema = z.object({ enabled: z.boolean().default(true) });
const toggle = <T extends z.ZodType>(creds: T) => z.intersection(ZEnabledSchema, creds);

/** `payments.<gateway>`: each gateway's credentials plus `enabled`, typed with that gateway's credentials. */
const gatewayBlocks = perGateway((adapter) => toggle(adapter.credentialsSchema).optional()) as unknown as {
  [G in GatewayId]: z.ZodOptional<z.ZodIntersection<typeof ZEnabledSchema, z.ZodType<GatewayCredentialsById[G]>>>;
};

export const ZTenantFileSchema = z
  .object({
    id: z.string().regex(TENANT_ID_PATTERN, 'letters, digits and "-" only (1–40 characters; "_" is not allowed)'),
    restaurant: z
      .object({
        name: z.string().trim().min(1).max(80),
        timezone: z.string().default('America/Bogota'),
      })
      .strict(),
    whatsapp: z
      .object({
        phoneNumberId: z.string().regex(PHONE_NUMBER_ID_PATTERN, 'the numeric phone number ID from the Meta dashboard'),
        displayPhoneNumber: z.string().regex(/^\d{8,15}$/, 'digits with country code, e.g. 573001112233').optional(),
        accessToken: z.string().min(1, 'the WhatsApp access token is required'),
      })
      .strict(),
    menu: z.array(ZMenuEntrySchema).min(1, 'the menu needs at least one item').max(300),
    payments: z
      .object({
        enabled: z.boolean().default(false),
        efectivo: z.boolean().default(false),
        ...gatewayBlocks,
      })
      .strict()
      .default({ enabled: false, efectivo: false }),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.menu.forEach((item, i) => {
      if (seen.has(item.numero)) ctx.addIssue({ code: 'custom', path: ['menu', i, 'numero'], message: `"${item.numero}" is used by two items` });
      seen.add(item.numero);
    });
  });

export type TTenantFile = z.infer<typeof ZTenantFileSchema>;

/** Human-readable list of problems: `menu.2.precio: must be whole pesos (no decimals)`. */
export function describeTenantFileErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
}
