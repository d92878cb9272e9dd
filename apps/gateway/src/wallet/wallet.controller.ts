import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { PaymentRpc } from '@zhongtai/contracts';
import type { WalletEntriesView, WalletEntryView, WalletView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';

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

/** `limit` (1 to 100, default 20) of a wallet's statement. */
export class WalletEntriesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
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
  listEntries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WalletEntriesQuery,
  ): Promise<WalletEntriesView> {
    return this.payments.request<WalletEntriesView>(PaymentRpc.entries, {
      customerId: principal.subject,
      limit: query.limit,
    });
  }
}
