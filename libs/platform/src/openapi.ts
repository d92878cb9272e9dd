import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PlatformModule } from './platform.module';
import type { ServiceConfig } from './config/service-config';

/** What a service says about itself in its OpenAPI document. */
export interface OpenApiDescription {
  title: string;
  description: string;
  version: string;
  extraModels?: Type[];
}

/** The document a running service serves at /docs-json. */
export function createOpenApiDocument(app: INestApplication, openApi: OpenApiDescription): OpenAPIObject {
  const { title, description, version, extraModels = [] } = openApi;
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription(description)
    .setVersion(version)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels });
}

@Module({})
class PreviewRootModule {}

/**
 * The same document without a running service: Nest's preview mode resolves the module graph and
 * reads the controllers' metadata but instantiates no provider, so nothing connects to a server.
 */
export async function previewOpenApiDocument(
  config: ServiceConfig,
  featureModule: Type | DynamicModule,
  openApi: OpenApiDescription,
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(
    { module: PreviewRootModule, imports: [PlatformModule.forService(config), featureModule] },
    { preview: true, logger: false },
  );
  try {
    return createOpenApiDocument(app, openApi);
  } finally {
    await app.close();
  }
}
