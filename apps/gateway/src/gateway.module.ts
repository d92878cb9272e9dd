import { Module } from '@nestjs/common';
import { rpcClientProvider } from '@zhongtai/platform';
import { CatalogueController } from './catalogue/catalogue.controller';

@Module({
  controllers: [CatalogueController],
  providers: [rpcClientProvider('inventory')],
})
export class GatewayModule {}
