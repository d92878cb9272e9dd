import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { PaymentRpc } from '@zhongtai/contracts';
import type { WalletView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';

export class WalletResponse implements WalletView {
  @ApiProperty({ example: 100000 }) balanceCents!: number;
  @ApiProperty({ enum: ['CNY'] }) currency!: 'CNY';
}

@ApiTags('wallet')
@ApiBearerAuth()
@Controller('me/wallet')
export class WalletController {
  constructor(@InjectRpcClient('payment') private readonly payments: ServiceRpcClient) {}

  @Get()
  @ApiOkResponse({ type: WalletResponse })
  @ApiProblemResponses(401, 403, 429)
  findWallet(@CurrentPrincipal() principal: Principal): Promise<WalletView> {
    return this.payments.request<WalletView>(PaymentRpc.wallet, { customerId: principal.subject });
  }
}
