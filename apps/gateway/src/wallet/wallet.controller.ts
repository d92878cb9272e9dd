import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { PaymentRpc } from '@zhongtai/contracts';
import type { WalletEntriesView, WalletEntryView, WalletView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { LimitQuery } from '../http/list-query';

export class WalletResponse implements WalletView {
  @ApiProperty({ example: 100000 }) balanceCents!: number;
  @ApiProperty({ enum: ['CNY'] }) currency!: 'CNY';
}

export class WalletEntryResponse implements WalletEntryView {
  @ApiProperty({ enum: ['CREDIT', 'CHARGE', 'REFUND'] }) kind!: 'CREDIT' | 'CHARGE' | 'REFUND';
  @ApiProperty({ description: "The operator's reference of a credit, the order id of a charge or a refund" })
  reference!: string;
  @ApiProperty({ description: 'Into the wallet (positive) or out of it (negative), in fen', example: -12800 })
  amountCents!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WalletEntriesResponse implements WalletEntriesView {
  @ApiProperty({ type: [WalletEntryResponse], description: 'Newest first' }) items!: WalletEntryResponse[];
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

  /** The wallet's statement: credits, charges and refunds with their references, newest first. */
  @Get('entries')
  @ApiOkResponse({ type: WalletEntriesResponse })
  @ApiProblemResponses(400, 401, 403, 429)
  listEntries(@CurrentPrincipal() principal: Principal, @Query() query: LimitQuery): Promise<WalletEntriesView> {
    return this.payments.request<WalletEntriesView>(PaymentRpc.entries, {
      customerId: principal.subject,
      limit: query.limit,
    });
  }
}
