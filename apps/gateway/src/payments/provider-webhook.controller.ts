import { Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { PaymentRpc, PROVIDER_HEADERS } from '@zhongtai/contracts';
import type { ProviderNotificationDelivery } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import type { Request } from 'express';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';

/** Where the provider posts its notifications; its body reaches this route unparsed (gateway.service.ts). */
export const PROVIDER_WEBHOOK_PATH = '/payments/provider/notifications';

export class NotificationReceiptResponse {
  @ApiProperty({ enum: [true] }) acknowledged!: true;
  @ApiProperty({ description: 'This notification (by its id) was received before; nothing changed' })
  duplicate!: boolean;
}

/**
 * The provider's webhook: the only route the provider calls. No token: the notification's
 * signature is its authentication, checked by the payment service over the raw body, which is
 * therefore passed on byte for byte with the signing headers. 2xx tells the provider to stop
 * sending it; anything else makes it send again later.
 */
@ApiTags('payments')
@Audience('public')
@Controller('payments/provider')
export class ProviderWebhookController {
  constructor(@InjectRpcClient('payment') private readonly payments: ServiceRpcClient) {}

  @Post('notifications')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A payment notification from the provider (signed; see docs/api.md)' })
  @ApiConsumes('application/json')
  @ApiHeader({ name: 'X-Provider-Timestamp', required: true, description: 'Unix seconds when it was sent' })
  @ApiHeader({ name: 'X-Provider-Nonce', required: true, description: 'Unique per delivery' })
  @ApiHeader({
    name: 'X-Provider-Signature',
    required: true,
    description: 'hex HMAC-SHA256 of `${timestamp}.${nonce}.${rawBody}` with the shared secret',
  })
  @ApiOkResponse({ type: NotificationReceiptResponse })
  @ApiProblemResponses(400, 401, 404, 429, 502, 504)
  receiveNotification(
    @Req() request: Request,
    @Headers(PROVIDER_HEADERS.timestamp) timestamp: string | undefined,
    @Headers(PROVIDER_HEADERS.nonce) nonce: string | undefined,
    @Headers(PROVIDER_HEADERS.signature) signature: string | undefined,
  ): Promise<NotificationReceiptResponse> {
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0 || !timestamp || !nonce || !signature) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        'SIGNATURE_INVALID',
        'A notification needs a body and the X-Provider-Timestamp, -Nonce and -Signature headers',
      );
    }
    const delivery: ProviderNotificationDelivery = { rawBody: body.toString('utf8'), timestamp, nonce, signature };
    return this.payments.request<NotificationReceiptResponse>(PaymentRpc.providerNotification, delivery);
  }
}
