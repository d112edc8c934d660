/**
 * Sample values copied from documentation instead of real ones (#17): `.env.example`, DESIGN.md
 * and the README show `pedidos.example.com`, `pub_test_…`, `<llave de identidad>` and
 * `replace-with-…`. Accepted, they fail much later and far away (a payment link to a host that
 * does not exist, a key the gateway refuses in front of a customer), so they are refused where
 * they enter: at start and on tenant import.
 */
const PLACEHOLDER_RULES: Array<{ test: (value: string) => boolean; what: string }> = [
  { test: (v) => v.includes('…') || v.includes('...'), what: 'contains "…", as the samples in the documentation do' },
  { test: (v) => /^<[^>]*>$/.test(v.trim()), what: 'is a description in angle brackets (<…>), not a value' },
  { test: (v) => /replace[-_ ]?(with|me)|your[-_ ]?(key|token|secret)|changeme/i.test(v), what: 'is the sample text from .env.example' },
  {
    test: (v) => /(^|[./@])example\.(com|org|net)(?=$|[:/])/i.test(v.replace(/^[a-z]+:\/\//i, '')),
    what: 'uses example.com, a host reserved for documentation',
  },
];

/** Why `value` looks like a placeholder, or undefined when it does not. Never includes the value. */
export function placeholderReason(value: string): string | undefined {
  return PLACEHOLDER_RULES.find((rule) => rule.test(value))?.what;
}
