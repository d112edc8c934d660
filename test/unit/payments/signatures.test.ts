import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { ErrorCode } from '../../../server/errors';
import { hashHex, hmacSha256Hex, jsonPesosToCents, sha256Hex, timingSafeEqualHex, toGatewayError } from '../../../server/payments/signatures';

function axiosFailure(status: number | undefined, code?: string): AxiosError {
  const config = { headers: new AxiosHeaders({ Authorization: 'Bearer prv_test_SECRET_SHOULD_NOT_LEAK' }) } as InternalAxiosRequestConfig;
  const response = status === undefined ? undefined : { status, statusText: '', headers: {}, config, data: { echoed: 'prv_test_SECRET_SHOULD_NOT_LEAK' } };
  return new AxiosError(status === undefined ? 'connect ECONNREFUSED 127.0.0.1:1' : `Request failed with status code ${status}`, code, config, undefined, response);
}

describe('digest helpers', () => {
  it("hashes the Wompi docs' own event example to a digest different from the one they print (§1.8)", () => {
    expect(sha256Hex('1234-1610641025-49201APPROVED44900001530291411prod_events_OcHnIzeBl5socpwByQ4hA52Em3USQ93Z')).toBe(
      '5a18ec5e8fdb7df463e9f94774cba8f583ba21bd04a09ceff2ea68a4bc0aefbe',
    );
  });

  it('reproduces the Bold button integrity hashes (§2.8)', () => {
    expect(sha256Hex('inv033439400COPkgfq2nN0o52XqnuXZWIN2F')).toBe('620a64c6eab8858d0f96d4f818a1d77be5e9b9eb9dc681f527de1af54fc1b739');
    expect(sha256Hex('PEDIDO-100145000COPBoldSecretExample789')).toBe('0221c96f968eb3bbb4aba35594b544e06bb60e37f3485e8ef7cce481fef11076');
  });

  it('computes HMAC-SHA256 and MD5 as lowercase hex', () => {
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(hashHex('md5', '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('timingSafeEqualHex', () => {
  it('compares hex digests regardless of case', () => {
    expect(timingSafeEqualHex('abcdef01', 'ABCDEF01')).toBe(true);
  });

  it('is false for different digests, different lengths and non-hex input', () => {
    expect(timingSafeEqualHex('abcdef01', 'abcdef02')).toBe(false);
    expect(timingSafeEqualHex('abcdef01', 'abcdef0')).toBe(false);
    expect(timingSafeEqualHex('abcdef0g', 'abcdef0g')).toBe(false);
    expect(timingSafeEqualHex('', '')).toBe(false);
  });
});

describe('jsonPesosToCents', () => {
  it('converts JSON peso numbers to exact centavos', () => {
    expect(jsonPesosToCents(45000)).toBe(4500000);
    expect(jsonPesosToCents(150.26)).toBe(15026);
    expect(jsonPesosToCents(0.29)).toBe(29);
    expect(jsonPesosToCents(1.1)).toBe(110);
  });

  it('refuses negatives, non-finite numbers and more than two decimals', () => {
    expect(jsonPesosToCents(-1)).toBeNull();
    expect(jsonPesosToCents(Number.NaN)).toBeNull();
    expect(jsonPesosToCents(1.005)).toBeNull();
  });
});

describe('toGatewayError', () => {
  it.each([
    [503, true, ErrorCode.GATEWAY_UNAVAILABLE],
    [500, true, ErrorCode.GATEWAY_UNAVAILABLE],
    [409, true, ErrorCode.GATEWAY_UNAVAILABLE],
    [429, true, ErrorCode.GATEWAY_UNAVAILABLE],
    [401, false, ErrorCode.GATEWAY_REJECTED],
    [400, false, ErrorCode.GATEWAY_REJECTED],
    [404, false, ErrorCode.GATEWAY_REJECTED],
  ] as const)('treats HTTP %i as retryable=%s', (status, retryable, code) => {
    const error = toGatewayError('bold', 'create payment link', axiosFailure(status));
    expect(error).toMatchObject({ gateway: 'bold', upstreamStatus: status, retryable, code });
  });

  it('treats a connection failure as retryable', () => {
    expect(toGatewayError('wompi', 'transaction search', axiosFailure(undefined, 'ECONNREFUSED'))).toMatchObject({ retryable: true, upstreamStatus: undefined });
  });

  it('never carries the request headers or response body into the error', () => {
    const error = toGatewayError('wompi', 'transaction search', axiosFailure(401));
    expect(JSON.stringify(error.toJSON())).not.toContain('SECRET_SHOULD_NOT_LEAK');
    expect(JSON.stringify(error)).not.toContain('SECRET_SHOULD_NOT_LEAK');
    expect(error.cause).toBeUndefined();
    const network = toGatewayError('wompi', 'transaction search', axiosFailure(undefined, 'ECONNREFUSED'));
    expect(JSON.stringify(network.toJSON())).not.toContain('SECRET_SHOULD_NOT_LEAK');
  });
});
