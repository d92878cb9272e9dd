import { DynamicModule, Module } from '@nestjs/common';
import { PaymentClosePaymentHandler } from './payment-close-payment.handler';
import { PaymentCollectPaymentHandler } from './payment-collect-payment.handler';
import { PaymentOpenPaymentHandler } from './payment-open-payment.handler';
import { ProviderBackCheck } from './provider-back-check';
import { ProviderClient } from './provider-client';
import { ProviderNotificationsService } from './provider-notifications.service';
import { ProviderPaymentsRpcController } from './provider-payments.controller';
import { ProviderReconciliation } from './provider-reconciliation';
import { PROVIDER_SETTINGS, ProviderSettings } from './provider-settings';

/**
 * Orders paid at the external provider: opening, collecting and closing their payments, its
 * notifications, the back-check and the reconciliation with its statements.
 */
@Module({})
export class ProviderPaymentsModule {
  /** `settings` null: no provider; its orders are declined and no back-check runs. */
  static forSettings(settings: ProviderSettings | null): DynamicModule {
    return {
      module: ProviderPaymentsModule,
      // The cancel saga's refund (charges/) refunds an order paid at the provider there.
      global: true,
      exports: [ProviderClient],
      controllers: [ProviderPaymentsRpcController],
      providers: [
        { provide: PROVIDER_SETTINGS, useValue: settings },
        ProviderClient,
        ProviderNotificationsService,
        ProviderBackCheck,
        ProviderReconciliation,
        PaymentOpenPaymentHandler,
        PaymentCollectPaymentHandler,
        PaymentClosePaymentHandler,
      ],
    };
  }
}
