import type { Request, Response } from 'express';
import type { BackgroundTasks } from '../background';
import { handlePaymentWebhook, type PaymentWebhookDeps } from './handle-payment-webhook';

/** `POST /api/webhooks/payment/:gateway` (raw body): one call to the flow, its answer sent, its follow-up tracked. */
export function paymentWebhookHandler(deps: PaymentWebhookDeps & { background: BackgroundTasks }) {
  return async (req: Request, res: Response): Promise<void> => {
    const answer = await handlePaymentWebhook(deps, { gateway: String(req.params.gateway), body: req.body, headers: req.headers });
    res.status(answer.status).json(answer.body);
    if (answer.after) deps.background.track(answer.after());
  };
}
