/**
 * Named points between the steps of payment confirmation where tests make the work fail, to
 * prove that a retry or the reconciler always finishes it with no duplicate and no loss.
 * Enabled only through TEST_FAULT_POINTS (refused in production): `after-order-write` throws
 * there; `after-send` sits between a message's send and its "sent" mark; `after-order-write:hang` never returns, so a test can SIGKILL the process mid-request.
 */
export const FAULT_POINTS = ['after-payment-transaction', 'after-order-write', 'before-send', 'after-send'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export class FaultInjector {
  private readonly points = new Map<FaultPoint, 'throw' | 'hang'>();

  constructor(spec?: string) {
    for (const part of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const [name, mode] = part.split(':') as [string, string | undefined];
      if (!(FAULT_POINTS as readonly string[]).includes(name)) throw new Error(`unknown fault point "${name}" (known: ${FAULT_POINTS.join(', ')})`);
      this.points.set(name as FaultPoint, mode === 'hang' ? 'hang' : 'throw');
    }
  }

  /** Does nothing unless the point is enabled. */
  async at(point: FaultPoint): Promise<void> {
    const mode = this.points.get(point);
    if (!mode) return;
    if (mode === 'hang') await new Promise<never>(() => undefined);
    throw new Error(`fault injected at ${point}`);
  }
}

export const NO_FAULTS = new FaultInjector();
