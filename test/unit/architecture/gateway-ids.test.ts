import { join } from 'node:path';
import { GATEWAY_ENDPOINT_VARIABLES, GATEWAY_IDS } from '../../../server/payments/adapters';
import { gatewayMentions, sourceFilesOutsideAdapters } from '../../helpers/gateway-mentions';

const ROOT = join(__dirname, '../../..');
const CODE_DIRS = ['server', 'functions', 'embedded-database'];

describe('the adapter registry is the only list of gateways', () => {
  it('finds no gateway id or endpoint variable named in code outside server/payments/adapters/', () => {
    const files = CODE_DIRS.flatMap((dir) => sourceFilesOutsideAdapters(ROOT, join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    expect(gatewayMentions(ROOT, files, GATEWAY_IDS, GATEWAY_ENDPOINT_VARIABLES)).toEqual([]);
  });

  it('would catch a file that names one (the check itself can fail)', () => {
    const probe = join(ROOT, 'server/payments/adapters/index.ts');
    expect(gatewayMentions(ROOT, [probe], GATEWAY_IDS, GATEWAY_ENDPOINT_VARIABLES).length).toBeGreaterThan(0);
  });
});
