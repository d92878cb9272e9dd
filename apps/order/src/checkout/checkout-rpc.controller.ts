import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type { PlaceOrderRequest, PlaceOrderResponse, RecordedRefusals } from '@zhongtai/contracts';
import { GateRefusalsService } from './gate-refusals.service';
import { OrderPlacementService } from './order-placement.service';
import { RecordRefusalsDto } from './record-refusals.dto';

/** Where checkout enters the order service: the gateway's placements, and the refusals of its flash-sale gate. */
@Controller()
export class CheckoutRpcController {
  constructor(
    private readonly placement: OrderPlacementService,
    private readonly refusals: GateRefusalsService,
  ) {}

  @MessagePattern(OrderRpc.placeOrder)
  placeOrder(@Payload() request: PlaceOrderRequest): Promise<PlaceOrderResponse> {
    return this.placement.placeOrder(request);
  }

  /** The gateway's flash-sale gate hands over what it refused, in batches; answers which are now orders. */
  @MessagePattern(OrderRpc.recordRefusals)
  async recordRefusals(@Payload() request: RecordRefusalsDto): Promise<RecordedRefusals> {
    return { recorded: await this.refusals.recordRefusals(request.refusals) };
  }
}
