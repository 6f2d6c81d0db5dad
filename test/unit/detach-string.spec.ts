import fc from 'fast-check';
import { detachString, internString } from '../../lib/serialize/detach-string.util';

describe('detachString and internString: copies that share no storage with a larger string', () => {
  it('give back the same text, whatever it is (property keys included: __proto__, indices, the empty string)', () => {
    for (const text of ['', '__proto__', 'constructor', '42', '-0', '4294967295', 'OrdersController', 'é✓ 𝄞', 'a'.repeat(5_000)]) {
      expect(detachString(text)).toBe(text);
      expect(internString(text)).toBe(text);
      expect(internString(detachString(text))).toBe(text);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(internString(detachString(text))).toBe(text);
      }),
    );
  });

  it('internString of equal texts is one string (a later lookup with the literal finds it)', () => {
    const big = 'x'.repeat(100_000) + 'OrdersController' + 'y'.repeat(100_000);
    const slice = big.slice(100_000, 100_000 + 'OrdersController'.length);
    expect(internString(detachString(slice))).toBe('OrdersController');
    const seen = new Map([[internString(detachString(slice)), 1]]);
    expect(seen.get('OrdersController')).toBe(1);
  });
});
