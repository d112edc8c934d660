import type { z } from 'zod';

/**
 * Validation errors in words (#17): "menu item 1 (numero): expected text or a number, got
 * true/false" instead of "menu.0.numero: Invalid input". Two audiences: the configuration, the
 * tenant file and the command-line tools speak English; the owners' API speaks Spanish, as
 * the owners' page does.
 *
 * The messages are produced by a zod error map passed per parse (`schema.safeParse(v, {
 * error: validationErrorMap('en') })`), so messages a schema sets itself still win, and no
 * global zod setting changes behind another module's back. Values are never echoed, only their
 * kind (config values and credentials are secrets; STYLE.md §7 lists paths, not values).
 */
export type MessageLocale = 'en' | 'es';

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

const KIND_WORDS: Record<MessageLocale, Record<string, string>> = {
  en: {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    object: 'an object ({ … })',
    array: 'a list ([ … ])',
    null: 'null',
    undefined: 'nothing',
    bigint: 'a number',
    date: 'a date',
    nan: 'not a number',
    unknown: 'a value',
  },
  es: {
    string: 'texto',
    number: 'un número',
    int: 'un número entero',
    boolean: 'true o false',
    object: 'un objeto ({ … })',
    array: 'una lista ([ … ])',
    null: 'null',
    undefined: 'nada',
    bigint: 'un número',
    date: 'una fecha',
    nan: 'algo que no es un número',
    unknown: 'un valor',
  },
};

/** The kind of a value, never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : 'number';
  return typeof value;
}

const words = (locale: MessageLocale, kind: string) => KIND_WORDS[locale][kind] ?? kind;

function orList(locale: MessageLocale, items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} ${locale === 'es' ? 'o' : 'or'} ${unique.at(-1)}`;
}

function quoteAll(values: readonly unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v)));
}

function sizeMessage(locale: MessageLocale, issue: RawIssue & { code: 'too_small' | 'too_big' }): string | undefined {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  const es = locale === 'es';
  switch (issue.origin) {
    case 'string':
      if (small && limit === 1) return es ? 'no puede estar vacío' : 'must not be empty';
      return es
        ? `debe tener ${small ? 'al menos' : 'como máximo'} ${limit} caracteres`
        : `must be ${small ? 'at least' : 'at most'} ${limit} characters long`;
    case 'array':
    case 'set':
      return es
        ? `debe tener ${small ? 'al menos' : 'como máximo'} ${limit} ${limit === 1 ? 'elemento' : 'elementos'}`
        : `needs ${small ? 'at least' : 'at most'} ${limit} ${limit === 1 ? 'item' : 'items'}`;
    case 'number':
    case 'int':
    case 'bigint':
      if (small && limit === 0 && !inclusive) return es ? 'debe ser mayor que 0' : 'must be greater than 0';
      return es
        ? `debe ser ${small ? (inclusive ? 'al menos' : 'mayor que') : inclusive ? 'como máximo' : 'menor que'} ${limit}`
        : `must be ${small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than'} ${limit}`;
    default:
      return undefined;
  }
}

/** What a union would have accepted, from the type each option expected. */
function unionExpected(locale: MessageLocale, issue: RawIssue): string | undefined {
  const branches = (issue as { errors?: Array<Array<{ code: string; expected?: string; path?: unknown[] }>> }).errors ?? [];
  const expected: string[] = [];
  for (const branch of branches) {
    const top = branch.find((i) => i.code === 'invalid_type' && (i.path?.length ?? 0) === 0);
    if (!top?.expected) return undefined;
    expected.push(words(locale, top.expected));
  }
  return expected.length ? orList(locale, expected) : undefined;
}

/**
 * A zod error map with messages in words. Returns undefined for anything it has no better
 * words for, so zod's own message is used.
 */
export function validationErrorMap(locale: MessageLocale): z.core.$ZodErrorMap {
  const es = locale === 'es';
  const got = (input: unknown) => {
    const kind = kindOf(input);
    return `${es ? 'llegó' : 'got'} ${kind === 'boolean' ? 'true/false' : words(locale, kind)}`;
  };
  return (issue) => {
    switch (issue.code) {
      case 'invalid_type': {
        if (issue.input === undefined) return es ? `falta (se espera ${words(locale, issue.expected)})` : `is missing (expected ${words(locale, issue.expected)})`;
        return `${es ? 'se espera' : 'expected'} ${words(locale, issue.expected)}, ${got(issue.input)}`;
      }
      case 'invalid_union': {
        const expected = unionExpected(locale, issue);
        return expected ? `${es ? 'se espera' : 'expected'} ${expected}, ${got(issue.input)}` : undefined;
      }
      case 'invalid_value': {
        const allowed = orList(locale, quoteAll(issue.values));
        return issue.values.length === 1 ? `${es ? 'debe ser' : 'must be'} ${allowed}` : `${es ? 'debe ser uno de' : 'must be one of'} ${allowed}`;
      }
      case 'unrecognized_keys': {
        const keys = issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ');
        return es
          ? `${issue.keys.length === 1 ? 'campo desconocido' : 'campos desconocidos'} ${keys}; revisa cómo se escribe o quítalo`
          : `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${keys}; check the spelling or remove it`;
      }
      case 'too_small':
      case 'too_big':
        return sizeMessage(locale, issue);
      case 'invalid_format':
        if (issue.format === 'url') return es ? 'debe ser una URL completa, como https://pedidos.mirestaurante.co' : 'must be a full URL such as https://orders.my-restaurant.co';
        return undefined;
      case 'not_multiple_of':
        return es ? `debe ser múltiplo de ${String(issue.divisor)}` : `must be a multiple of ${String(issue.divisor)}`;
      default:
        return undefined;
    }
  };
}

/** Names that read better in words when they hold a list (`menu.0` → "menu item 1"). */
const LIST_WORDS: Record<MessageLocale, Record<string, string>> = {
  en: { menu: 'menu item', items: 'item', entry: 'entry', changes: 'change' },
  es: { menu: 'producto', items: 'producto', entry: 'entrada', changes: 'cambio' },
};

/**
 * A path in words: `["menu", 0, "numero"]` → `menu item 1 (numero)`; `["payments", "wompi",
 * "publicKey"]` → `payments.wompi.publicKey`; `[]` → the whole thing.
 */
export function describePath(path: readonly PropertyKey[], locale: MessageLocale, whole = locale === 'es' ? '(cuerpo)' : '(file)'): string {
  if (path.length === 0) return whole;
  const parts: string[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) parts.push(pending.join('.'));
    pending = [];
  };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const next = path[i + 1];
    if (typeof next === 'number' && typeof segment === 'string') {
      flush();
      const label = LIST_WORDS[locale][segment] ?? (locale === 'es' ? `${segment}, elemento` : `${segment} item`);
      parts.push(`${label} ${next + 1}`);
      i++;
      continue;
    }
    pending.push(typeof segment === 'number' ? `[${segment + 1}]` : String(segment));
  }
  flush();
  const [head, ...rest] = parts;
  return rest.length ? `${head} (${rest.join(', ')})` : head!;
}

/** One line per problem: `menu item 1 (numero): expected text or a number, got true or false`. */
export function describeIssues(error: z.ZodError, locale: MessageLocale, whole?: string): string[] {
  return error.issues.map((issue) => `${describePath(issue.path, locale, whole)}: ${issue.message}`);
}
