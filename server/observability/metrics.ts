import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, one registry per runtime (no globals, so several instances in one test
 * process do not collide). Seed 000's four measures are here: webhook → order time, share of
 * payments confirmed by a webhook (vs. the reconciler), share ending `expirado`, and link →
 * confirmation time; plus what an operator needs to see trouble coming.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Time from a gateway result reaching us to its order existing (seconds). */
  readonly webhookToOrder = new Histogram({
    name: 'payment_result_to_order_seconds',
    help: 'Time from receiving an approved gateway result to the order being written',
    labelNames: ['gateway', 'source'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  /** Payments settled, by final state and by what settled them (webhook, reconciler, early_result, support). */
  readonly paymentsSettled = new Counter({
    name: 'payments_settled_total',
    help: 'Payments that reached a final state, by state and by the source of the result (share confirmed by webhook = source="webhook" / all completado; share expired = estado="expirado" / all)',
    labelNames: ['estado', 'source', 'gateway'] as const,
    registers: [this.registry],
  });

  /** From the link being created to the payment being confirmed (seconds). */
  readonly linkToConfirmation = new Histogram({
    name: 'payment_link_to_confirmation_seconds',
    help: 'Time from creating the payment record (link sent) to its approval',
    labelNames: ['gateway'] as const,
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [this.registry],
  });

  /** Every webhook answer, by source (whatsapp or a gateway) and HTTP status. */
  readonly webhookRequests = new Counter({
    name: 'webhook_requests_total',
    help: 'Webhook requests answered, by source and HTTP status',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });

  readonly webhookLatency = new Histogram({
    name: 'webhook_request_seconds',
    help: 'Time to answer a webhook',
    labelNames: ['source'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'outbox_pending_messages',
    help: 'WhatsApp messages waiting to be delivered or retried',
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: 'outbox_oldest_pending_seconds',
    help: 'Age of the oldest message waiting in the outbox',
    registers: [this.registry],
  });

  readonly reconcilerRun = new Histogram({
    name: 'reconciler_run_seconds',
    help: 'Duration of reconciler runs that held the lease',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly reconcilerItems = new Counter({
    name: 'reconciler_items_total',
    help: 'Items handled by reconciler jobs, by job and kind',
    labelNames: ['job', 'kind'] as const,
    registers: [this.registry],
  });

  readonly graphErrors = new Counter({
    name: 'whatsapp_send_errors_total',
    help: 'Graph API send failures by Meta error code ("none" when no code came back)',
    labelNames: ['code', 'permanent'] as const,
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'whatsapp_messages_sent_total',
    help: 'Messages accepted by the Graph API, by kind and pricing category (service inside the 24-hour window, utility_template outside it)',
    labelNames: ['kind', 'category'] as const,
    registers: [this.registry],
  });

  /** Messages about an order (confirmations, payment and status notices), by category (#15). */
  readonly orderMessages = new Counter({
    name: 'whatsapp_order_messages_total',
    help: 'Messages sent about orders, by pricing category; divided by orders created it gives messages per order (what a conversation costs)',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });

  /** Messages that will not reach the customer, by Meta error code and where Meta said so (#15). */
  readonly messageFailures = new Counter({
    name: 'whatsapp_message_failures_total',
    help: 'Outgoing messages that failed for good, by Meta error code ("none" without one) and source (send response or status webhook)',
    labelNames: ['code', 'source'] as const,
    registers: [this.registry],
  });

  readonly conversationTurns = new Counter({
    name: 'conversation_turns_total',
    help: 'Customer messages processed, by the step the conversation reached',
    labelNames: ['paso'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
