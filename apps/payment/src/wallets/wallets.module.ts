import { Module } from '@nestjs/common';
import { WalletService } from './wallet.service';
import { WalletsController } from './wallets.controller';

@Module({
  controllers: [WalletsController],
  providers: [WalletService],
})
export class WalletsModule {}
