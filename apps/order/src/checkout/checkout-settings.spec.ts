import { ConfigError } from '@zhongtai/platform';
import { readPaymentWindowMs } from './checkout-settings';

describe('the payment window', () => {
  it('is 15 minutes unless configured', () => {
    expect(readPaymentWindowMs({})).toBe(15 * 60_000);
    expect(readPaymentWindowMs({ ORDER_PAYMENT_WINDOW_MS: '3000' })).toBe(3_000);
  });

  it('is at most a day, so that every saga ends long before the barriers it relies on are deleted', () => {
    expect(readPaymentWindowMs({ ORDER_PAYMENT_WINDOW_MS: String(24 * 3_600_000) })).toBe(24 * 3_600_000);
    expect(() => readPaymentWindowMs({ ORDER_PAYMENT_WINDOW_MS: String(2 * 24 * 3_600_000) })).toThrow(ConfigError);
  });
});
