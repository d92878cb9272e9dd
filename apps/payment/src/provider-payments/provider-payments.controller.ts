import { Controller, HttpStatus } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PaymentRpc } from '@zhongtai/contracts';
import type { OrderPaymentView, ReconciliationFindingsPage, ReconciliationReport } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { ProviderNotificationDeliveryDto } from './provider-notification.dto';
import { NotificationReceipt, ProviderNotificationsService } from './provider-notifications.service';
import { orderPaymentView, providerPayments } from './provider-payment-store';
import { ProviderReconciliation } from './provider-reconciliation';

class OrderPaymentRequest {
  @IsString()
  @MaxLength(64)
  orderId!: string;
}

class ReconcileRequestDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day as YYYY-MM-DD' })
  date!: string;
}

class FindingsRequestDto {
  @IsInt()
  @Min(1)
  @Max(100)
  limit!: number;
}

@Controller()
export class ProviderPaymentsRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: ProviderNotificationsService,
    private readonly reconciliation: ProviderReconciliation,
  ) {}

  @MessagePattern(PaymentRpc.orderPayment)
  async orderPayment(@Payload() { orderId }: OrderPaymentRequest): Promise<OrderPaymentView> {
    const payment = await providerPayments.find(this.dataSource.manager, orderId);
    if (!payment)
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        'PAYMENT_NOT_FOUND',
        `order ${orderId} has no payment at the provider`,
      );
    return orderPaymentView(payment);
  }

  @MessagePattern(PaymentRpc.reconcile)
  reconcile(@Payload() { date }: ReconcileRequestDto): Promise<ReconciliationReport> {
    return this.reconciliation.reconcile(date);
  }

  @MessagePattern(PaymentRpc.reconciliationFindings)
  async findings(@Payload() { limit }: FindingsRequestDto): Promise<ReconciliationFindingsPage> {
    return { items: await this.reconciliation.findings(limit) };
  }

  @MessagePattern(PaymentRpc.providerNotification)
  receiveNotification(@Payload() delivery: ProviderNotificationDeliveryDto): Promise<NotificationReceipt> {
    return this.notifications.receiveNotification(delivery);
  }
}
