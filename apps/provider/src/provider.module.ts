import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@zhongtai/platform';
import { HealthController } from './health/health.controller';
import { MerchantAuthGuard } from './http/merchant-auth.guard';
import { NotificationSender } from './notifications/notification-sender';
import { PayController } from './payments/pay.controller';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsService } from './payments/payments.service';
import { RefundsService } from './payments/refunds.service';
import type { ProviderConfig } from './provider.config';
import { providerDatabase } from './provider.database';
import { PROVIDER_CONFIG } from './provider.tokens';
import { StatementsController } from './statements/statements.controller';
import { StatementsService } from './statements/statements.service';
import { TestingController } from './testing/testing.controller';

/** The payment provider simulator: an outside system, so it needs nothing of the platform's NATS or Redis. */
@Module({})
export class ProviderModule {
  static forConfig(config: ProviderConfig): DynamicModule {
    return {
      module: ProviderModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.databaseUrl, providerDatabase, config.databasePoolSize),
          retryAttempts: 10,
          retryDelay: 1000,
        }),
      ],
      controllers: [HealthController, PaymentsController, PayController, StatementsController, TestingController],
      providers: [
        { provide: PROVIDER_CONFIG, useValue: config },
        MerchantAuthGuard,
        PaymentsService,
        RefundsService,
        StatementsService,
        NotificationSender,
      ],
    };
  }
}
