import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PaymentRpc } from '@zhongtai/contracts';
import type { WalletEntriesView, WalletView } from '@zhongtai/contracts';
import { CreditRequestDto } from './credit-request.dto';
import { WalletEntriesRequestDto, WalletRequestDto } from './wallet-request.dto';
import { WalletService } from './wallet.service';

@Controller()
export class WalletsController {
  constructor(private readonly wallets: WalletService) {}

  @MessagePattern(PaymentRpc.wallet)
  showWallet(@Payload() request: WalletRequestDto): Promise<WalletView> {
    return this.wallets.showWallet(request.customerId);
  }

  @MessagePattern(PaymentRpc.entries)
  listEntries(@Payload() request: WalletEntriesRequestDto): Promise<WalletEntriesView> {
    return this.wallets.listEntries(request.customerId, request.limit);
  }

  @MessagePattern(PaymentRpc.credit)
  creditWallet(@Payload() request: CreditRequestDto): Promise<WalletView> {
    return this.wallets.creditWallet(request);
  }
}
