/** How many facts one process remembers; the oldest is forgotten first. */
export const RECENTLY_DONE_CAPACITY = 20_000;

/**
 * Facts this process has made durable itself ("the order of payment X exists, id 1042", "this
 * audit line is written"), so the duplicate deliveries that gateways send by design are
 * answered from memory instead of re-reading or re-writing the database. Only ever a
 * shortcut: a fact not remembered (another instance, a restart) is checked in the database as
 * before, and nothing remembered here is ever undone (orders and audit lines are not deleted).
 */
export class RecentlyDone {
  private readonly facts = new Map<string, string>();

  constructor(private readonly capacity = RECENTLY_DONE_CAPACITY) {}

  get(key: string): string | undefined {
    return this.facts.get(key);
  }

  has(key: string): boolean {
    return this.facts.has(key);
  }

  remember(key: string, value = ''): void {
    this.facts.delete(key);
    this.facts.set(key, value);
    if (this.facts.size > this.capacity) this.facts.delete(this.facts.keys().next().value as string);
  }
}
