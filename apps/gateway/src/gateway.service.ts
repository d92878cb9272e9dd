import type { ServiceDefinition } from '@zhongtai/platform';
import { raw } from 'express';
import { GATEWAY_CONFIG, GatewayConfig, loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { ProblemResponse } from './http/problem.response';
import { PROVIDER_WEBHOOK_PATH } from './payments/provider-webhook.controller';

/** The gateway as a process: its module and the OpenAPI document it serves (committed as docs/openapi.json). */
export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  module: () => GatewayModule.register(loadGatewayConfig()),
  redis: true,
  internalPort: true,
  edge: (app) => {
    const config = app.get<GatewayConfig>(GATEWAY_CONFIG);
    // The provider signs the bytes it sent: its webhook gets them unparsed (before the JSON parser).
    app.use(PROVIDER_WEBHOOK_PATH, raw({ type: () => true, limit: config.bodyLimitBytes }));
    return {
      bodyLimitBytes: config.bodyLimitBytes,
      corsOrigins: config.corsOrigins,
      trustedProxies: config.trustedProxies,
    };
  },
  openApi: {
    title: 'Zhongtai storefront and operations API',
    description:
      'Checkout, orders, wallet and operator routes (docs/api.md). Errors are application/problem+json ' +
      '(RFC 9457) with a stable `code`. Money is integer fen (CNY).',
    version: '1.0',
    extraModels: [ProblemResponse],
  },
};
