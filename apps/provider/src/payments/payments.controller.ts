import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { CreatedProviderPayment, ProviderPaymentView, ProviderRefundView } from '@zhongtai/contracts';
import type { Response } from 'express';
import { MerchantAuthGuard } from '../http/merchant-auth.guard';
import { answer } from '../http/refusal';
import { CreatePaymentRequest, CreateRefundRequest, PaymentIdParams, PaymentLookupQuery } from './payment.requests';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds.service';

/** The merchant's side of the API: create, query (the back-check), close and refund payments. */
@UseGuards(MerchantAuthGuard)
@Controller('v1/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
  ) {}

  /** 201 for a new payment, 200 for the one an earlier identical request created. */
  @Post()
  async createPayment(
    @Body() request: CreatePaymentRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedProviderPayment> {
    const { created, ...payment } = answer(await this.payments.createPayment(request));
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return payment;
  }

  @Get()
  async findPaymentOfOrder(@Query() { merchantOrderId }: PaymentLookupQuery): Promise<ProviderPaymentView> {
    return answer(await this.payments.findPaymentOfOrder(merchantOrderId));
  }

  @Get(':id')
  async findPayment(@Param() { id }: PaymentIdParams): Promise<ProviderPaymentView> {
    return answer(await this.payments.findPayment(id));
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  async closePayment(@Param() { id }: PaymentIdParams): Promise<ProviderPaymentView> {
    return answer(await this.payments.closePayment(id));
  }

  @Post(':id/refunds')
  async refundPayment(
    @Param() { id }: PaymentIdParams,
    @Body() request: CreateRefundRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProviderRefundView> {
    const { created, ...refund } = answer(await this.refunds.refundPayment(id, request));
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return refund;
  }
}
