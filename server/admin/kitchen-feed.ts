import type { DataSnapshot, Database, Query } from 'firebase-admin/database';
import type { Logger } from 'pino';
import { paths } from '../db/paths';
import { ZOrderRecordSchema } from '../db/records';
import type { OrderView } from './queries';

/** How far back the live board looks; older open orders are listed by GET /orders. */
export const KITCHEN_FEED_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Most orders one tenant's listener holds. */
export const KITCHEN_FEED_LIMIT = 300;

/** `ready`: the orders that existed when the board connected have all been sent; later ones are new. */
export type KitchenEvent = { type: 'order'; order: OrderView } | { type: 'removed'; key: string } | { type: 'ready' };
type Subscriber = (event: KitchenEvent) => void;

interface TenantFeed {
  query: Query;
  orders: Map<string, OrderView>;
  subscribers: Map<Subscriber, () => void>;
  /** True once the listener's initial data has arrived. */
  loaded: boolean;
}

/**
 * One RTDB listener per tenant with someone watching, shared by every open board of that
 * tenant: `tenants/{t}/pedidos` ordered by `timestamp`, recent ones only. A new board first
 * gets the orders the listener already holds, then every change. The listener is removed
 * when the last board closes, so an idle tenant costs nothing.
 */
export class KitchenFeed {
  private readonly feeds = new Map<string, TenantFeed>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** `onClose` runs when the feed shuts down (server stopping), so open streams end cleanly. */
  subscribe(tenantId: string, subscriber: Subscriber, onClose: () => void): () => void {
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      feed = this.attach(tenantId);
      this.feeds.set(tenantId, feed);
    }
    for (const order of feed.orders.values()) subscriber({ type: 'order', order });
    if (feed.loaded) subscriber({ type: 'ready' });
    feed.subscribers.set(subscriber, onClose);
    const current = feed;
    return () => {
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0 && this.feeds.get(tenantId) === current) {
        current.query.off();
        this.feeds.delete(tenantId);
      }
    };
  }

  /** Listeners currently attached (for tests and metrics). */
  get activeTenants(): number {
    return this.feeds.size;
  }

  /** Ends every open stream and detaches every listener (before the HTTP server closes). */
  close(): void {
    for (const feed of this.feeds.values()) {
      feed.query.off();
      for (const onClose of feed.subscribers.values()) onClose();
    }
    this.feeds.clear();
  }

  private attach(tenantId: string): TenantFeed {
    const query = this.db
      .ref(paths.orders(tenantId))
      .orderByChild('timestamp')
      .startAt(this.now() - KITCHEN_FEED_WINDOW_MS)
      .limitToLast(KITCHEN_FEED_LIMIT);
    const feed: TenantFeed = { query, orders: new Map(), subscribers: new Map(), loaded: false };
    const publish = (event: KitchenEvent) => {
      for (const subscriber of feed.subscribers.keys()) subscriber(event);
    };
    const upsert = (snap: DataSnapshot) => {
      const parsed = ZOrderRecordSchema.safeParse(snap.val());
      if (!parsed.success) {
        this.logger.warn({ tenantId, orderKey: snap.key }, 'order record does not match the schema; not shown on the kitchen board');
        return;
      }
      const order: OrderView = { ...(snap.val() as Record<string, unknown>), ...parsed.data, key: snap.key! };
      feed.orders.set(snap.key!, order);
      publish({ type: 'order', order });
    };
    const onError = (error: Error) => this.logger.error({ tenantId, err: error }, 'kitchen listener cancelled');
    query.on('child_added', upsert, onError);
    query.on('child_changed', upsert, onError);
    query.on(
      'child_removed',
      (snap: DataSnapshot) => {
        feed.orders.delete(snap.key!);
        publish({ type: 'removed', key: snap.key! });
      },
      onError,
    );
    // A value event fires after the initial child_added events of the same query.
    query.once(
      'value',
      () => {
        feed.loaded = true;
        publish({ type: 'ready' });
      },
      onError,
    );
    return feed;
  }
}
