import { inspect } from 'node:util';
import pino from 'pino';
import { Redacted } from '../../../server/observability/redacted';

describe('Redacted', () => {
  it('gives the value only through reveal()', () => {
    const secret = new Redacted({ privateKey: 'prv_test_abcd1234' });
    expect(secret.reveal()).toEqual({ privateKey: 'prv_test_abcd1234' });
    expect(JSON.stringify({ creds: secret })).toBe('{"creds":"[redacted]"}');
    expect(String(secret)).toBe('[redacted]');
    expect(inspect({ creds: secret })).not.toContain('prv_test');
  });

  it('prints as [redacted] in a pino log line', () => {
    const lines: string[] = [];
    const logger = pino({ base: undefined }, { write: (line: string) => lines.push(line) });
    logger.info({ creds: new Redacted({ secretKey: 'sk_live_zzz' }) }, 'oops');
    expect(lines.join('')).toContain('"creds":"[redacted]"');
    expect(lines.join('')).not.toContain('sk_live_zzz');
  });
});
