import { Body, Controller, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ProblemException } from '@zhongtai/platform';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { OrderResponse } from '../orders/order.response';
import { preferredWait } from '../orders/order-waiter';
import { CheckoutRequest } from './checkout.request';
import { CheckoutEdgeService } from './checkout-edge.service';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

@ApiTags('checkout')
@ApiBearerAuth()
@Controller('checkout')
export class CheckoutController {
  constructor(private readonly checkout: CheckoutEdgeService) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1 to 255 printable characters, per customer' })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: 'wait=N: seconds to wait for the outcome (default 5, max 30)',
  })
  @ApiCreatedResponse({
    type: OrderResponse,
    description:
      'The order reached PAID or CANCELLED (see failureReason), or AWAITING_PAYMENT (paid at the provider: payment.payUrl; Location: /orders/:id)',
  })
  @ApiAcceptedResponse({ type: OrderResponse, description: 'Still PENDING after the wait; Location: /orders/:id' })
  @ApiOkResponse({ description: 'Not used: replays answer 201 or 202 with Idempotent-Replayed: true' })
  @ApiProblemResponses(400, 401, 403, 409, 422, 429, 502, 504)
  async placeOrder(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Body() body: CheckoutRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponse> {
    if (idempotencyKey === undefined || idempotencyKey === '') {
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'IDEMPOTENCY_KEY_REQUIRED',
        'The Idempotency-Key header is required',
      );
    }
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        'Idempotency-Key must be 1 to 255 printable characters',
        [{ field: 'Idempotency-Key', messages: ['must be 1 to 255 printable characters'] }],
      );
    }
    const waitSeconds = preferredWait(prefer);
    const { order, replayed } = await this.checkout.placeOrder(principal.subject, idempotencyKey, body, waitSeconds);
    const final = order.status !== 'PENDING';
    response.status(final ? HttpStatus.CREATED : HttpStatus.ACCEPTED);
    if (!final || order.status === 'AWAITING_PAYMENT') response.setHeader('Location', `/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.setHeader('Preference-Applied', `wait=${waitSeconds}`);
    return order;
  }
}
