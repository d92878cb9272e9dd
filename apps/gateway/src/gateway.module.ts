import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { rpcClientProvider } from '@zhongtai/platform';
import { AdminAccountsController } from './admin/admin-accounts.controller';
import { AdminCatalogueController } from './admin/admin-catalogue.controller';
import { AdminOperationsController } from './admin/admin-operations.controller';
import { AdminStatsController } from './admin/admin-stats.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { LoginThrottle } from './auth/login-throttle';
import { ROLES } from './auth/principal';
import { CatalogueController } from './catalogue/catalogue.controller';
import { CheckoutController } from './checkout/checkout.controller';
import { CheckoutEdgeService } from './checkout/checkout-edge.service';
import { IdempotencyService } from './checkout/idempotency.service';
import { QuoteController } from './checkout/quote.controller';
import { FlashSaleGate } from './flash-sale/flash-sale-gate';
import { GateReconciler } from './flash-sale/gate-reconciler';
import { GateSettlement } from './flash-sale/gate-settlement';
import { RefusalRecorder } from './flash-sale/refusal-recorder';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';
import { OrderAnnouncements } from './orders/order-announcements';
import { OrderWaiter } from './orders/order-waiter';
import { OrdersController } from './orders/orders.controller';
import { AdminReconciliationController } from './payments/admin-reconciliation.controller';
import { OrderPaymentController } from './payments/order-payment.controller';
import { ProviderWebhookController } from './payments/provider-webhook.controller';
import { AddressRateLimitGuard, CustomerRateLimitGuard, RateLimiter } from './rate-limit/rate-limit.guard';
import { WalletController } from './wallet/wallet.controller';
import { webAppMiddleware, webRoot } from './web/web-app.middleware';

/** The REST edge: thin controllers over NATS request/reply to the four services. */
@Module({})
export class GatewayModule implements NestModule {
  /** The storefront and the console, from the gateway's origin (web/web-app.middleware.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(webAppMiddleware(webRoot())).forRoutes('{*path}');
  }

  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        JwtModule.register({
          // A KeyObject, not a string: given a string, jsonwebtoken first tries to parse it as a
          // public key on every verification, which cost the gateway a sixth of its CPU.
          secret: createSecretKey(Buffer.from(config.jwtSecret)),
          signOptions: { algorithm: 'HS256', expiresIn: config.jwtTtlSeconds, issuer: config.jwtIssuer },
          verifyOptions: { algorithms: ['HS256'], issuer: config.jwtIssuer, audience: [ROLES[0], ...ROLES.slice(1)] },
        }),
      ],
      controllers: [
        AuthController,
        CatalogueController,
        CheckoutController,
        QuoteController,
        OrdersController,
        OrderPaymentController,
        ProviderWebhookController,
        WalletController,
        AdminAccountsController,
        AdminCatalogueController,
        AdminOperationsController,
        AdminStatsController,
        AdminReconciliationController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        // Order matters: the per-address limit before authentication, so that requests with bad
        // tokens count too; the per-customer limit after it, since it needs the verified token.
        { provide: APP_GUARD, useClass: AddressRateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: CustomerRateLimitGuard },
        RateLimiter,
        LoginThrottle,
        CheckoutEdgeService,
        IdempotencyService,
        OrderAnnouncements,
        OrderWaiter,
        FlashSaleGate,
        GateReconciler,
        GateSettlement,
        RefusalRecorder,
        rpcClientProvider('order'),
        rpcClientProvider('inventory'),
        rpcClientProvider('coupon'),
        rpcClientProvider('payment'),
      ],
    };
  }
}
