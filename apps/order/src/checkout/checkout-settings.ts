import { EnvReader } from '@zhongtai/platform';
import { checkoutAtProviderSaga, CheckoutAtProviderSaga, checkoutAtProviderSagaV1 } from './checkout-at-provider.saga';

/**
 * How long a customer has to pay an order at the provider: 15 minutes unless
 * ORDER_PAYMENT_WINDOW_MS says otherwise, and at most a day. A saga must end well inside the
 * participants' barrier retention (7 days): a compensation that comes after its action's barrier
 * row was deleted finds nothing to undo, and the stock its saga reserved would stay held.
 */
export function readPaymentWindowMs(source: Record<string, string | undefined> = process.env): number {
  const env = new EnvReader(source);
  const windowMs = env.int('ORDER_PAYMENT_WINDOW_MS', { min: 1_000, max: 24 * 3_600_000, default: 15 * 60_000 });
  env.done();
  return windowMs;
}

/** The checkout saga paid at the provider, with the window this process was configured with. */
export const CHECKOUT_AT_PROVIDER = Symbol('CHECKOUT_AT_PROVIDER');

export interface CheckoutAtProvider {
  /** The version new orders start on. */
  saga: CheckoutAtProviderSaga;
  /** Earlier versions, registered for the instances that started on them. */
  earlierSagas: readonly ReturnType<typeof checkoutAtProviderSagaV1>[];
  paymentWindowMs: number;
}

export function checkoutAtProvider(paymentWindowMs: number): CheckoutAtProvider {
  return {
    saga: checkoutAtProviderSaga(paymentWindowMs),
    earlierSagas: [checkoutAtProviderSagaV1(paymentWindowMs)],
    paymentWindowMs,
  };
}
