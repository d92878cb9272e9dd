import { runService } from '@zhongtai/platform';
import { GatewayModule } from './gateway.module';
import { ProblemResponse } from './http/problem.response';

void runService({
  service: 'gateway',
  module: () => GatewayModule,
  redis: true,
  openApi: {
    title: 'Zhongtai storefront and operations API',
    description: 'Checkout, orders, wallet and operator routes. Errors are application/problem+json (RFC 9457).',
    version: '1.0',
    extraModels: [ProblemResponse],
  },
});
