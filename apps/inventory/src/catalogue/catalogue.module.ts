import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueRpcController } from './catalogue-rpc.controller';
import { CatalogueService } from './catalogue.service';
import { Product } from './product.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Product])],
  controllers: [CatalogueRpcController],
  providers: [CatalogueService],
})
export class CatalogueModule {}
