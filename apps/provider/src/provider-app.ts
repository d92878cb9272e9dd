import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createValidationPipe, ProblemDetailsFilter } from '@zhongtai/platform';
import type { AddressInfo } from 'node:net';
import type { ProviderConfig } from './provider.config';
import { ProviderModule } from './provider.module';

/**
 * The simulator as an application, listening: for its own process (main.ts) and for tests that
 * run it beside the platform's processes. It answers errors as problem+json like the platform,
 * with the same strict validation, so that a test can tell its refusals apart by code.
 */
export async function startProvider(config: ProviderConfig): Promise<{ app: INestApplication; port: number }> {
  const app = await NestFactory.create<NestExpressApplication>(ProviderModule.forConfig(config));
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await app.listen(config.port);
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}
