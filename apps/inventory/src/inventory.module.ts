import { Module } from '@nestjs/common';
import { CatalogueModule } from './catalogue/catalogue.module';

@Module({ imports: [CatalogueModule] })
export class InventoryModule {}
