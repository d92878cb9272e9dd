import { invariantViolations, quiesce } from './invariants';
import { PlatformOptions, TestPlatform } from './platform';
import { Storefront } from './storefront';

export interface SuitePlatform {
  readonly platform: TestPlatform;
  readonly shop: Storefront;
}

/**
 * The platform of one end-to-end suite: booted before its tests; after them, once every saga
 * is at rest, DESIGN.md's invariants must hold, and the platform is stopped and removed
 * whatever happened.
 */
export function suitePlatform(options: PlatformOptions = {}): SuitePlatform {
  let platform: TestPlatform | undefined;
  let shop: Storefront | undefined;
  beforeAll(async () => {
    platform = await TestPlatform.start(options);
    shop = new Storefront(platform.gatewayUrl);
  }, 90_000);
  afterAll(async () => {
    if (!platform || !shop) return;
    try {
      await quiesce(platform);
      expect(await invariantViolations(shop, platform)).toEqual([]);
    } finally {
      await platform.stop();
    }
  }, 90_000);
  return {
    get platform() {
      if (!platform) throw new Error('the platform is not started (outside a test?)');
      return platform;
    },
    get shop() {
      if (!shop) throw new Error('the platform is not started (outside a test?)');
      return shop;
    },
  };
}
