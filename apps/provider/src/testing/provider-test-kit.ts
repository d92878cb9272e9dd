import type { INestApplication } from '@nestjs/common';
import { isNotificationSignature, PROVIDER_HEADERS } from '@zhongtai/contracts';
import type { CreatedProviderPayment, ProviderNotification } from '@zhongtai/contracts';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infrastructure';
import { loadProviderConfig, ProviderConfig } from '../provider.config';
import { startProvider } from '../provider-app';
import { providerDatabase } from '../provider.database';

export const MERCHANT_KEY = 'merchant-key-for-tests-0123456789';
export const NOTIFY_SECRET = 'notify-secret-for-tests-0123456789abcdef';

/** One notification as the merchant received it. */
export interface Received {
  notification: ProviderNotification;
  nonce: string;
  timestamp: string;
  /** Whether the signature is the provider's over the raw body. */
  signed: boolean;
}

/**
 * A merchant's webhook: records what it receives, answers `status()` (200 unless a test says
 * otherwise), and can be stopped and started again on the same port.
 */
export class MerchantWebhook {
  readonly received: Received[] = [];
  status: () => number = () => 200;
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/notify`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const header = (name: string) => String(request.headers[name] ?? '');
        const [timestamp, nonce, signature] = [
          PROVIDER_HEADERS.timestamp,
          PROVIDER_HEADERS.nonce,
          PROVIDER_HEADERS.signature,
        ].map(header);
        const status = this.status();
        if (status < 300) {
          this.received.push({
            notification: JSON.parse(body) as ProviderNotification,
            nonce,
            timestamp,
            signed: isNotificationSignature(NOTIFY_SECRET, { timestamp, nonce, signature }, body),
          });
        }
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  of(paymentId: string): Received[] {
    return this.received.filter((r) => r.notification.paymentId === paymentId);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The simulator in this process on a fresh database, with short backoffs, and a client of its API. */
export class ProviderTestKit {
  private app?: INestApplication;
  private port = 0;

  private constructor(
    readonly database: TestDatabase,
    private readonly config: ProviderConfig,
  ) {}

  static async open(): Promise<ProviderTestKit> {
    const database = await createTestDatabase('provider', providerDatabase);
    const config = loadProviderConfig({
      PROVIDER_PORT: '0',
      PROVIDER_DATABASE_URL: database.url,
      PROVIDER_PUBLIC_URL: 'http://pay.example.test',
      PROVIDER_MERCHANT_API_KEY: MERCHANT_KEY,
      PROVIDER_NOTIFY_SECRET: NOTIFY_SECRET,
      PROVIDER_NOTIFY_POLL_MS: '20',
      PROVIDER_NOTIFY_BACKOFF_MS: '50',
      PROVIDER_NOTIFY_MAX_BACKOFF_MS: '200',
      PROVIDER_NOTIFY_TIMEOUT_MS: '2000',
      DATABASE_POOL_SIZE: '4',
    });
    const kit = new ProviderTestKit(database, config);
    await kit.start();
    return kit;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the simulator (again, after `stop`) on the same database. */
  async start(): Promise<void> {
    ({ app: this.app, port: this.port } = await startProvider(this.config));
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.database.drop();
  }

  /** A request to the API, as the merchant unless `key` says otherwise (null: no key at all). */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key: string | null = MERCHANT_KEY,
  ): Promise<{ status: number; body: T; type: string }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      type: response.headers.get('content-type') ?? '',
    };
  }

  async createPayment(
    merchantOrderId: string,
    {
      amountCents = 1_000,
      notifyUrl,
      windowMs = 60_000,
    }: { amountCents?: number; notifyUrl: string; windowMs?: number },
  ): Promise<CreatedProviderPayment> {
    const expiresAt = new Date(Date.now() + windowMs).toISOString();
    const created = await this.call<CreatedProviderPayment>('POST', '/v1/payments', {
      merchantOrderId,
      amountCents,
      currency: 'CNY',
      notifyUrl,
      expiresAt,
    });
    if (created.status !== 201)
      throw new Error(`payment not created: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body;
  }

  pay(payment: CreatedProviderPayment, outcome: 'succeed' | 'fail' = 'succeed') {
    return this.call('POST', `/v1/payments/${payment.paymentId}/pay`, { payToken: payment.payToken, outcome }, null);
  }

  setFaults(faults: Record<string, number>) {
    return this.call('POST', '/v1/testing/notification-faults', faults);
  }

  /** The merchant orders whose lookup answers 503 from now on (replacing any set before). */
  failQueries(merchantOrderIds: string[]) {
    return this.call('POST', '/v1/testing/query-faults', { failing: merchantOrderIds });
  }
}
