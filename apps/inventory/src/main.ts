import { runService } from '@zhongtai/platform';
import { inventoryDatabase } from './inventory.database';
import { InventoryModule } from './inventory.module';

void runService({ service: 'inventory', module: () => InventoryModule, database: inventoryDatabase });
