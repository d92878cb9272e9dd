import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { isNotificationSignature } from '@zhongtai/contracts';
import type { ProviderNotificationDelivery } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { ProviderNotificationBody } from './provider-notification.dto';
import { ProviderClient } from './provider-client';
import { providerPayments } from './provider-payment-store';
import { PROVIDER_SETTINGS, ProviderSettings } from './provider-settings';
import { recordFinding } from './provider-findings';
import { mismatchOf, settlePayment } from './provider-settlement';

export type NotificationReceipt = { acknowledged: true; duplicate: boolean };

/**
 * The provider's notifications, as the gateway's webhook passes them on. Trusted only when
 * signed with the shared secret over the raw body, timestamp and nonce; refused when the
 * timestamp is further from now than the tolerance (stale) or the nonce was seen within it
 * (replayed). Each notification is applied once (by its id), and its payment's outcome once; a
 * success of another amount than the payment's is acknowledged and reported, never applied.
 */
@Injectable()
export class ProviderNotificationsService {
  private readonly logger = new Logger(ProviderNotificationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: ProviderClient,
    @Inject(PROVIDER_SETTINGS) private readonly settings: ProviderSettings | null,
  ) {}

  async receiveNotification(delivery: ProviderNotificationDelivery): Promise<NotificationReceipt> {
    const settings = this.settings;
    if (!settings) throw new ProblemException(HttpStatus.NOT_FOUND, 'NO_PROVIDER', 'no payment provider is configured');
    if (
      !/^[0-9a-f]{64}$/.test(delivery.signature) ||
      !isNotificationSignature(settings.notifySecret, delivery, delivery.rawBody)
    ) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'SIGNATURE_INVALID',
        'the notification is not signed by the provider',
      );
    }
    const sentAtMs = /^\d{1,12}$/.test(delivery.timestamp) ? Number(delivery.timestamp) * 1000 : NaN;
    if (!(Math.abs(Date.now() - sentAtMs) <= settings.notifyToleranceMs)) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'NOTIFICATION_STALE',
        'the notification is older than the tolerance',
      );
    }
    const body = await this.parse(delivery.rawBody);
    return this.dataSource.transaction(async (manager) => {
      const [fresh] = (await manager.query(
        'INSERT INTO provider_nonces (nonce) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1',
        [delivery.nonce],
      )) as unknown[];
      if (!fresh) {
        throw new ProblemException(HttpStatus.UNAUTHORIZED, 'NOTIFICATION_REPLAYED', 'this nonce was used before');
      }
      const [firstTime] = (await manager.query(
        `INSERT INTO provider_notifications_received (notification_id, provider_payment_id, status)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
        [body.notificationId, body.paymentId, body.status],
      )) as unknown[];
      if (!firstTime) return { acknowledged: true, duplicate: true };
      const payment = await providerPayments.lock(manager, body.merchantOrderId);
      if (!payment || payment.provider_payment_id !== body.paymentId) {
        // Acknowledged so that the provider stops; reconciliation reports money it cannot place.
        this.logger.warn(`notification ${body.notificationId} names a payment this service never opened`);
        return { acknowledged: true, duplicate: false };
      }
      const mismatch = body.status === 'SUCCEEDED' ? mismatchOf(payment, body) : undefined;
      if (mismatch) {
        // A success of another amount than the payment's pays no order. Acknowledged, not refused:
        // the notification is the provider's own (signed), and every retry of it would carry the
        // same amount, so a 4xx would only have it resent until the provider gives up, without
        // deciding anything. What decides is the provider's record of the payment: the back-check
        // asks for it first in its next round, and settles it if it is of the order's amount, or
        // refunds it and fails the order if it is not. Operators find the notification reported.
        await recordFinding(manager, {
          orderId: payment.order_id,
          providerPaymentId: payment.provider_payment_id,
          kind: 'AMOUNT_MISMATCH',
          detail: `notification ${body.notificationId} refused: ${mismatch}`,
          repaired: false,
        });
        await providerPayments.checkSoon(manager, payment.order_id);
        return { acknowledged: true, duplicate: false };
      }
      if (body.status !== 'REFUNDED') await settlePayment(manager, this.client, payment, body.status);
      return { acknowledged: true, duplicate: false };
    });
  }

  private async parse(rawBody: string): Promise<ProviderNotificationBody> {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'the notification is not JSON');
    }
    const body = plainToInstance(ProviderNotificationBody, json);
    const errors = typeof json === 'object' && json !== null ? await validate(body) : [{}];
    if (errors.length > 0) {
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        'the notification lacks a field it needs',
      );
    }
    return body;
  }
}
