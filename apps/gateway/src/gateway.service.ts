import type { ServiceDefinition } from '@zhongtai/platform';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { ProblemResponse } from './http/problem.response';

/** The gateway as a process: its module and the OpenAPI document it serves (committed as docs/openapi.json). */
export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  module: () => GatewayModule.register(loadGatewayConfig()),
  redis: true,
  openApi: {
    title: 'Zhongtai storefront and operations API',
    description:
      'Checkout, orders, wallet and operator routes (docs/api.md). Errors are application/problem+json ' +
      '(RFC 9457) with a stable `code`. Money is integer fen (CNY).',
    version: '1.0',
    extraModels: [ProblemResponse],
  },
};
