import { Inject, Injectable } from '@nestjs/common';
import type {
  CreatedProviderPayment,
  CreateProviderPayment,
  ProviderPaymentView,
  ProviderRefundView,
  ProviderStatement,
} from '@zhongtai/contracts';
import { PROVIDER_SETTINGS, ProviderSettings } from './provider-settings';

/** An answer of the provider other than 2xx: its status and problem code. */
export class ProviderRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`the provider answered ${status} ${code}`);
    this.name = 'ProviderRefusal';
  }
}

/**
 * The provider's API as the merchant calls it. Every call it makes is idempotent at the
 * provider (a payment per order, a refund per refund id), so a call repeated after a crash or a
 * timeout is safe. Transport errors and 5xx are thrown as they are: the saga step retries.
 */
@Injectable()
export class ProviderClient {
  constructor(@Inject(PROVIDER_SETTINGS) private readonly settings: ProviderSettings | null) {}

  get configured(): boolean {
    return this.settings !== null;
  }

  get notifyUrl(): string {
    return this.require().notifyUrl;
  }

  createPayment(request: Omit<CreateProviderPayment, 'notifyUrl'>): Promise<CreatedProviderPayment> {
    return this.call('POST', '/v1/payments', { ...request, notifyUrl: this.require().notifyUrl });
  }

  /** The back-check: the provider's own view of the order's payment, undefined if it has none. */
  async paymentOfOrder(orderId: string): Promise<ProviderPaymentView | undefined> {
    try {
      return await this.call<ProviderPaymentView>('GET', `/v1/payments?merchantOrderId=${encodeURIComponent(orderId)}`);
    } catch (error) {
      if (error instanceof ProviderRefusal && error.status === 404) return undefined;
      throw error;
    }
  }

  paymentById(providerPaymentId: string): Promise<ProviderPaymentView> {
    return this.call('GET', `/v1/payments/${providerPaymentId}`);
  }

  /** Closes an unpaid payment; ProviderRefusal 409 PAYMENT_ALREADY_PAID when it was paid. */
  closePayment(providerPaymentId: string): Promise<ProviderPaymentView> {
    return this.call('POST', `/v1/payments/${providerPaymentId}/close`);
  }

  refundPayment(providerPaymentId: string, refundId: string): Promise<ProviderRefundView> {
    return this.call('POST', `/v1/payments/${providerPaymentId}/refunds`, { refundId });
  }

  statementOf(date: string): Promise<ProviderStatement> {
    return this.call('GET', `/v1/statements/${date}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const settings = this.require();
    const response = await fetch(`${settings.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${settings.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(settings.requestTimeoutMs),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    if (response.status >= 500) throw new Error(`the provider failed: ${response.status} ${text.slice(0, 200)}`);
    let code = 'UNKNOWN';
    try {
      code = String((JSON.parse(text) as { code?: unknown }).code ?? code);
    } catch {
      // not a problem document: the status says enough
    }
    throw new ProviderRefusal(response.status, code);
  }

  private require(): ProviderSettings {
    if (!this.settings) throw new Error('no payment provider is configured (PAYMENT_PROVIDER_URL)');
    return this.settings;
  }
}
