import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrderRpc } from '@zhongtai/contracts';
import type { OrderView } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import type { SagaDetail, SagaPage } from '@zhongtai/saga';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { isUuid } from '../http/list-query';
import { OrderResponse } from '../orders/order.response';
import { orderIdOr404 } from '../orders/orders.controller';
import { SagaListQuery } from './admin.requests';
import { SagaDetailResponse, SagaPageResponse } from './saga.responses';

@ApiTags('admin')
@ApiBearerAuth()
@Audience('operator')
@Controller('admin')
export class AdminOperationsController {
  constructor(@InjectRpcClient('order') private readonly orders: ServiceRpcClient) {}

  @Get('orders/:id')
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblemResponses(401, 403, 404, 429)
  findOrder(@Param('id') id: string): Promise<OrderView> {
    return this.orders.request<OrderView>(OrderRpc.getOrder, { orderId: orderIdOr404(id) });
  }

  @Get('sagas')
  @ApiOkResponse({ type: SagaPageResponse })
  @ApiProblemResponses(400, 401, 403, 429)
  listSagas(@Query() query: SagaListQuery): Promise<SagaPage> {
    return this.orders.request<SagaPage>(OrderRpc.listSagas, query);
  }

  @Get('sagas/:id')
  @ApiOkResponse({
    type: SagaDetailResponse,
    description: 'The saga with every step, attempt, reply, compensation and error',
  })
  @ApiProblemResponses(401, 403, 404, 429)
  findSaga(@Param('id') id: string): Promise<SagaDetail> {
    return this.orders.request<SagaDetail>(OrderRpc.getSaga, { sagaId: sagaIdOr404(id) });
  }

  /** Re-drives a saga parked after exhausting its retries, from the step where it stopped. */
  @Post('sagas/:id/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SagaDetailResponse })
  @ApiProblemResponses(401, 403, 404, 409, 429)
  retrySaga(@Param('id') id: string): Promise<SagaDetail> {
    return this.orders.request<SagaDetail>(OrderRpc.retrySaga, { sagaId: sagaIdOr404(id) });
  }
}

function sagaIdOr404(id: string): string {
  if (!isUuid(id)) throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No saga ${id.slice(0, 64)}`);
  return id;
}
