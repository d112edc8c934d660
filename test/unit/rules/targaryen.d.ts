/** The part of targaryen's API the rules tests use (the package ships no types). */
declare module 'targaryen' {
  interface Result {
    allowed: boolean;
    info: string;
  }
  interface Database {
    as(auth: unknown): Database;
    read(path: string): Result;
    write(path: string, value: unknown): Result;
    update(path: string, patch: Record<string, unknown>): Result;
  }
  export function database(rules: unknown, data?: unknown): Database;
}
