import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OrderRpc, PaymentRpc } from '@zhongtai/contracts';
import type { WalletEntriesView, WalletView } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { isUuid, LimitQuery } from '../http/list-query';
import { WalletEntriesResponse, WalletResponse } from '../wallet/wallet.controller';
import { CreateCustomerRequest, CreditWalletRequest } from './admin.requests';

class CreatedCustomer {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Audience('operator')
@Controller('admin/customers')
export class AdminAccountsController {
  constructor(
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
    @InjectRpcClient('payment') private readonly payments: ServiceRpcClient,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedCustomer })
  @ApiProblemResponses(400, 401, 403, 409, 429)
  createCustomer(@Body() request: CreateCustomerRequest): Promise<CreatedCustomer> {
    return this.orders.request<CreatedCustomer>(OrderRpc.createCustomer, request);
  }

  /** Idempotent on `reference`: the same credit twice tops up once. */
  @Post(':id/wallet/credit')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: WalletResponse })
  @ApiProblemResponses(400, 401, 403, 404, 409, 429)
  async creditWallet(@Param('id') customerId: string, @Body() request: CreditWalletRequest): Promise<WalletView> {
    await this.knownOr404(customerId);
    return this.payments.request<WalletView>(PaymentRpc.credit, { customerId, ...request });
  }

  /** A customer's wallet statement: credits (with the operator's references), charges and refunds. */
  @Get(':id/wallet/entries')
  @ApiOkResponse({ type: WalletEntriesResponse })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async listWalletEntries(@Param('id') customerId: string, @Query() query: LimitQuery): Promise<WalletEntriesView> {
    await this.knownOr404(customerId);
    return this.payments.request<WalletEntriesView>(PaymentRpc.entries, { customerId, limit: query.limit });
  }

  private async knownOr404(customerId: string): Promise<void> {
    const known =
      isUuid(customerId) &&
      (await this.orders.request<{ exists: boolean }>(OrderRpc.findCustomer, { customerId })).exists;
    if (!known) throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No customer ${customerId.slice(0, 64)}`);
  }
}
