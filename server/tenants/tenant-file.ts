import { z } from 'zod';
import { TENANT_ID_MAX_LENGTH, TENANT_ID_PATTERN, PHONE_NUMBER_ID_PATTERN } from '../db/paths';
import { ZWhatsappTemplatesSchema } from '../db/records';
import { GATEWAY_IDS, perGateway, type GatewayCredentialsById, type GatewayId } from '../payments/adapters';
import { placeholderReason } from '../placeholders';
import { ZAliasSchema, ZAtencionSchema, ZDomiciliosSchema, ZHorarioSchema, ZOptionGroupsSchema } from './restaurant-settings';
import { describeIssues, validationErrorMap } from '../validation-messages';

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
    /** Other names customers use for this item, e.g. ["sencilla", "la clásica"] (#14). */
    alias: ZAliasSchema.optional(),
    opciones: ZOptionGroupsSchema.optional(),
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
    id: z.string().regex(TENANT_ID_PATTERN, `letters, digits and "-" only (1–${TENANT_ID_MAX_LENGTH} characters, so every payment reference fits every gateway; "_" is not allowed)`),
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
        /** Approved utility templates for notices outside the 24-hour window (#15). */
        plantillas: ZWhatsappTemplatesSchema.optional(),
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
    // Restaurant settings of #16 (restaurant-settings.ts); left out, the restaurant is always
    // open, delivers everywhere without a fee and hands chats back after 30 minutes.
    horario: ZHorarioSchema.optional(),
    domicilios: ZDomiciliosSchema.optional(),
    atencion: ZAtencionSchema.optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.menu.forEach((item, i) => {
      if (seen.has(item.numero)) ctx.addIssue({ code: 'custom', path: ['menu', i, 'numero'], message: `"${item.numero}" is used by two items` });
      seen.add(item.numero);
    });
    // Samples copied from the documentation (#17): refused here instead of being sent to Meta or a gateway.
    const placeholder = (path: Array<string | number>, value: unknown) => {
      const reason = typeof value === 'string' ? placeholderReason(value) : undefined;
      if (reason) ctx.addIssue({ code: 'custom', path, message: `${reason}; put the real value from the dashboard here` });
    };
    placeholder(['whatsapp', 'accessToken'], file.whatsapp.accessToken);
    for (const gateway of GATEWAY_IDS) {
      for (const [field, value] of Object.entries(file.payments[gateway] ?? {})) placeholder(['payments', gateway, field], value);
    }
  });

export type TTenantFile = z.infer<typeof ZTenantFileSchema>;

/** Validates a tenant file with its problems in words (`menu item 1 (numero): expected text or a number, got true/false`). */
export function parseTenantFile(json: unknown): z.ZodSafeParseResult<TTenantFile> {
  return ZTenantFileSchema.safeParse(json, { error: validationErrorMap('en') });
}

/** Human-readable list of problems: `menu item 3 (precio): must be whole pesos (no decimals)`. */
export function describeTenantFileErrors(error: z.ZodError): string[] {
  return describeIssues(error, 'en', '(file)');
}
