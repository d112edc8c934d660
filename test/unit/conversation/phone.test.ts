import {
  colombianMobileFromWaId,
  extractColombianMobile,
  formatColombianMobile,
  normalizeColombianMobile,
} from '../../../server/conversation/phone';

describe('normalizeColombianMobile', () => {
  it.each([
    ['3001234567', '3001234567'],
    ['300 123 4567', '3001234567'],
    ['300-123-4567', '3001234567'],
    ['300.123.4567', '3001234567'],
    ['(300) 123 4567', '3001234567'],
    ['  3101234567  ', '3101234567'],
    ['+57 300 123 4567', '3001234567'],
    ['+573001234567', '3001234567'],
    ['(+57) 300-123-4567', '3001234567'],
    ['57 300 123 4567', '3001234567'],
    ['573001234567', '3001234567'],
    ['0057 300 123 4567', '3001234567'],
    ['0057-321-555-0000', '3215550000'],
  ])('accepts %j as %s', (input, expected) => {
    expect(normalizeColombianMobile(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['abc'],
    ['123'],
    ['300 123 456'], // 9 digits
    ['30012345678'], // 11 digits
    ['601 234 5678'], // Bogotá landline
    ['2001234567'], // does not start with 3
    ['+1 300 123 4567'], // another country
    ['+58 300 123 4567'],
    ['57 601 234 5678'],
    ['300 123 4567 +57'], // "+" not in front
    ['++57 300 123 4567'],
    ['300123456a'],
    ['3001234567 ext 2'],
    ['3'.repeat(60)],
  ])('rejects %j', (input) => {
    expect(normalizeColombianMobile(input)).toBeNull();
  });
});

describe('extractColombianMobile', () => {
  it('finds the only number in a sentence', () => {
    expect(extractColombianMobile('mi número es 300 123 4567')).toBe('3001234567');
    expect(extractColombianMobile('Cel: +57 310-555-0000 gracias')).toBe('3105550000');
  });

  it('refuses a sentence with two numbers, since either could be meant', () => {
    expect(extractColombianMobile('3001234567 o 3109876543')).toBeNull();
  });

  it('refuses text without a mobile', () => {
    expect(extractColombianMobile('no tengo')).toBeNull();
    expect(extractColombianMobile('601 234 5678')).toBeNull();
  });
});

describe('colombianMobileFromWaId', () => {
  it('turns a Colombian WhatsApp id into the 10-digit mobile', () => {
    expect(colombianMobileFromWaId('573001234567')).toBe('3001234567');
  });

  it.each([['14155550123'], ['57300123456'], ['576012345678'], ['5730012345678'], ['wa-bsuid-abc']])('gives null for %j', (waId) => {
    expect(colombianMobileFromWaId(waId)).toBeNull();
  });
});

describe('formatColombianMobile', () => {
  it('groups digits as Colombians read them', () => {
    expect(formatColombianMobile('3001234567')).toBe('300 123 4567');
  });
});
