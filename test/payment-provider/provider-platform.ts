import { MERCHANT_KEY, NOTIFY_SECRET, ProviderTestKit } from '../../apps/provider/src/testing/provider-test-kit';
import { invariantViolations, quiesce } from '../support/invariants';
import { TestPlatform } from '../support/platform';
import { Storefront } from '../support/storefront';
import { TcpProxy } from '../support/tcp-proxy';
import { providerInvariantViolations } from './provider-invariants';

export { MERCHANT_KEY, NOTIFY_SECRET };

export interface ProviderSuite {
  readonly platform: TestPlatform;
  readonly shop: Storefront;
  readonly provider: ProviderTestKit;
}

export interface ProviderSuiteOptions {
  /** ORDER_PAYMENT_WINDOW_MS. */
  paymentWindowMs: number;
  /** PAYMENT_BACK_CHECK_AFTER_MS: how long a payment waits without news before the back-check asks. */
  backCheckAfterMs?: number;
}

/**
 * The platform with the provider simulator beside it (in this process, on its own database):
 * the payment service calls the simulator, and the simulator notifies the gateway's webhook
 * through a relay on a port bound before the gateway starts (so that the payment service can be
 * told the webhook's address). After the tests, at rest, docs/design.md's invariants and the
 * provider's must hold.
 */
export function providerSuite(options: ProviderSuiteOptions): ProviderSuite {
  let platform: TestPlatform | undefined;
  let shop: Storefront | undefined;
  let provider: ProviderTestKit | undefined;
  const webhook = new TcpProxy('127.0.0.1', () => platform?.service('gateway').port ?? 1);
  beforeAll(async () => {
    provider = await ProviderTestKit.open();
    const webhookPort = await webhook.start();
    platform = await TestPlatform.start({
      env: {
        order: { ORDER_PAYMENT_WINDOW_MS: String(options.paymentWindowMs) },
        payment: {
          PAYMENT_PROVIDER_URL: provider.url,
          PAYMENT_PROVIDER_API_KEY: MERCHANT_KEY,
          PAYMENT_PROVIDER_NOTIFY_SECRET: NOTIFY_SECRET,
          PAYMENT_PROVIDER_NOTIFY_URL: `http://127.0.0.1:${webhookPort}/payments/provider/notifications`,
          PAYMENT_BACK_CHECK_EVERY_MS: '300',
          PAYMENT_BACK_CHECK_AFTER_MS: String(options.backCheckAfterMs ?? 60_000),
        },
      },
    });
    shop = new Storefront(platform.gatewayUrl);
  }, 120_000);
  afterAll(async () => {
    try {
      if (platform && shop && provider) {
        await provider.setFaults({});
        await quiesce(platform, 60_000);
        expect([
          ...(await invariantViolations(shop, platform)),
          ...(await providerInvariantViolations(platform, provider)),
        ]).toEqual([]);
      }
    } finally {
      await platform?.stop();
      await webhook.stop();
      await provider?.close();
    }
  }, 120_000);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the platform is not started (outside a test?)');
    return value;
  };
  return {
    get platform() {
      return started(platform);
    },
    get shop() {
      return started(shop);
    },
    get provider() {
      return started(provider);
    },
  };
}
