import { z } from 'zod';
import { ZGatewayIdSchema } from './adapters';
import { GATEWAY_STATUSES, type GatewayResult } from './gateway';

/**
 * A normalized gateway result as stored in `earlyResults/{reference}` and read back after a
 * crash or on the next sweep (#13). RTDB drops `null`, so `method` and `message` come back
 * missing and are restored to `null`.
 */
export const ZGatewayResultSchema = z.object({
  gateway: ZGatewayIdSchema,
  reference: z.string(),
  transactionId: z.string(),
  status: z.enum(GATEWAY_STATUSES),
  amountInCents: z.number().int(),
  currency: z.string(),
  method: z.string().nullable().default(null),
  message: z.string().nullable().default(null),
  warning: z.string().optional(),
});

// The schema and the adapters' interface must describe the same value: each is assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShape: Same<z.output<typeof ZGatewayResultSchema>, GatewayResult> = true;
void sameShape;
