import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, errors } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { PaymentRpc } from '@zhongtai/contracts';
import type { ServiceName } from '@zhongtai/platform';
import { natsAdmin } from '../support/harness/nats-users';
import { ServiceProcess } from '../support/harness';
import { exampleDefaults } from '../support/platform';
import { platformNats } from '../support/platform-nats';
import { suitePlatform } from '../support/suite-platform';

/**
 * deploy/nats/authorization.conf on the e2e run's own nats-server, which every test platform
 * uses: the services work as their own users (this suite's platform, and every other suite's),
 * and a client refused a subject is refused for real. A publish is observed by an admin
 * subscription on the server: the publisher's flush returns once the server has handled the
 * publish, and the observer's once the server has written to it everything routed before.
 */
/** A process loads every module before it connects: seconds on a busy 2-core machine. */
const BOOT_MS = 30_000;

type PermissionViolation = InstanceType<typeof errors.PermissionViolationError>;

describe('NATS users and their permissions', () => {
  const suite = suitePlatform();
  const password = (service: ServiceName): string => exampleDefaults()[`${service.toUpperCase()}_NATS_PASSWORD`];
  const connections: NatsConnection[] = [];
  let observer: NatsConnection;

  async function as(service: ServiceName): Promise<NatsConnection> {
    const nc = await connect({
      servers: platformNats(),
      user: service,
      pass: password(service),
      inboxPrefix: `_INBOX_${service}`,
      reconnect: false,
    });
    connections.push(nc);
    return nc;
  }

  /** The permission errors the server sent to `nc`, as they arrive. */
  function violations(nc: NatsConnection): PermissionViolation[] {
    const seen: PermissionViolation[] = [];
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) seen.push(status.error);
      }
    })();
    return seen;
  }

  /** Whether a message `service` publishes on `subject` reaches a subscriber. */
  async function delivered(publisher: NatsConnection, subject: string, body = '{}'): Promise<boolean> {
    let arrived = 0;
    const subscription = observer.subscribe(subject, {
      callback: () => {
        arrived++;
      },
    });
    await observer.flush();
    publisher.publish(subject, body);
    await publisher.flush();
    await observer.flush();
    subscription.unsubscribe();
    return arrived > 0;
  }

  beforeAll(async () => {
    observer = await connect({ servers: platformNats(), ...natsAdmin(), reconnect: false });
    connections.push(observer);
  });

  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  });

  it('runs on a server that requires a user', () => {
    expect(observer.info?.auth_required).toBe(true);
  });

  it('refuses a connection with no credentials, or with a wrong password', async () => {
    await expect(connect({ servers: platformNats(), reconnect: false })).rejects.toThrow(/Authorization Violation/);
    await expect(
      connect({ servers: platformNats(), user: 'payment', pass: password('inventory'), reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/);
  });

  it('refuses a wallet credit from the inventory user, and the wallet stays as it was', async () => {
    const { platform, shop } = suite;
    const customer = await shop.customerWithWallet(10_000);
    const inventory = await as('inventory');
    const seen = violations(inventory);
    const subject = `${platform.natsPrefix}.${PaymentRpc.credit}`;
    const credit = {
      pattern: PaymentRpc.credit,
      data: { customerId: customer.id, amountCents: 1_000_000, reference: `forged-${randomUUID()}` },
      id: randomUUID(),
    };

    await expect(inventory.request(subject, JSON.stringify(credit), { timeout: 2_000 })).rejects.toThrow(
      /Permissions Violation for Publish/,
    );
    await inventory.flush();

    expect(seen).toEqual([expect.objectContaining({ operation: 'publish', subject })]);
    expect(await shop.wallet(customer)).toBe(10_000);
  });

  it('lets the gateway, and only the gateway, call the operator subjects', async () => {
    const prefix = `probe-${randomUUID().slice(0, 8)}`;
    const operatorSubjects = [
      'payment.wallets.credit',
      'inventory.stock.adjust',
      'order.sagas.retry',
      'coupon.coupons.create',
    ];
    const gateway = await as('gateway');
    for (const subject of operatorSubjects) {
      expect([subject, await delivered(gateway, `${prefix}.${subject}`)]).toEqual([subject, true]);
    }
    for (const service of ['order', 'inventory', 'coupon', 'payment'] as const) {
      const nc = await as(service);
      for (const subject of operatorSubjects) {
        expect([service, subject, await delivered(nc, `${prefix}.${subject}`)]).toEqual([service, subject, false]);
      }
    }
  });

  it('lets a participant answer the orchestrator but not send commands, and lets order ask for quotes only', async () => {
    const prefix = `probe-${randomUUID().slice(0, 8)}`;
    const inventory = await as('inventory');
    expect(await delivered(inventory, `${prefix}.saga.reply.order.checkout`)).toBe(true);
    expect(await delivered(inventory, `${prefix}.saga.cmd.payment.charge`)).toBe(false);
    expect(await delivered(inventory, `${prefix}.order.status.some-order`)).toBe(false);

    const order = await as('order');
    expect(await delivered(order, `${prefix}.saga.cmd.payment.charge`)).toBe(true);
    expect(await delivered(order, `${prefix}.inventory.products.quote`)).toBe(true);
    expect(await delivered(order, `${prefix}.coupon.coupons.quote`)).toBe(true);
    expect(await delivered(order, `${prefix}.payment.wallets.get`)).toBe(false);
    expect(await delivered(order, `${prefix}.saga.reply.order.checkout`)).toBe(false);
  });

  it("keeps each service out of another's requests and replies", async () => {
    const prefix = `probe-${randomUUID().slice(0, 8)}`;
    const inventory = await as('inventory');
    const seen = violations(inventory);
    let overheard = 0;
    for (const subject of [`${prefix}.payment.wallets.credit`, '_INBOX_gateway.>', `${prefix}.saga.cmd.payment.>`]) {
      inventory.subscribe(subject, {
        // A refused subscription is told so through its callback, with an error instead of a message.
        callback: (error) => {
          if (!error) overheard++;
        },
      });
    }
    await inventory.flush();
    observer.publish(`${prefix}.payment.wallets.credit`, '{}');
    observer.publish('_INBOX_gateway.reply', '{}');
    observer.publish(`${prefix}.saga.cmd.payment.charge`, '{}');
    await observer.flush();
    await inventory.flush();

    expect(overheard).toBe(0);
    expect(seen.map((violation) => [violation.operation, violation.subject]).sort()).toEqual(
      [
        ['subscription', `${prefix}.payment.wallets.credit`],
        ['subscription', '_INBOX_gateway.>'],
        ['subscription', `${prefix}.saga.cmd.payment.>`],
      ].sort(),
    );
  });

  it("refuses a participant the streams' deletion, and a consumer of another participant's commands", async () => {
    const { platform } = suite;
    const stream = `${platform.natsPrefix}_saga_commands`;
    const jsm = await jetstreamManager(await as('inventory'), { timeout: 2_000 });

    await expect(jsm.streams.delete(stream)).rejects.toThrow();
    await expect(
      jsm.consumers.add(stream, {
        durable_name: 'inventory',
        filter_subject: `${platform.natsPrefix}.saga.cmd.payment.>`,
      }),
    ).rejects.toThrow();
    await expect(
      jsm.consumers.add(stream, {
        durable_name: 'payment',
        filter_subject: `${platform.natsPrefix}.saga.cmd.payment.>`,
      }),
    ).rejects.toThrow();

    const admin = await jetstreamManager(observer);
    expect((await admin.streams.info(stream)).config.name).toBe(stream);
    const consumers: string[] = [];
    for await (const consumer of admin.consumers.list(stream)) consumers.push(consumer.name);
    expect(consumers.sort()).toEqual(['coupon', 'inventory', 'payment']);
    const inventoryConsumer = await admin.consumers.info(stream, 'inventory');
    expect(inventoryConsumer.config.filter_subject).toBe(`${platform.natsPrefix}.saga.cmd.inventory.>`);
  });

  it(
    'stops a service whose password the server refuses, saying so',
    async () => {
      const { platform } = suite;
      const inventory = new ServiceProcess('inventory', {
        env: { ...platform.env, INVENTORY_NATS_PASSWORD: 'not-the-inventory-password' },
      }).start();
      try {
        const exit = await inventory.exitWithin(BOOT_MS);
        expect(exit).toEqual(expect.objectContaining({ code: expect.any(Number) }));
        expect(exit!.code).not.toBe(0);
        const said = [...inventory.stderr, ...inventory.logs.map((line) => JSON.stringify(line))].join('\n');
        expect(said).toMatch(/Authorization Violation/);
      } finally {
        await inventory.stop();
      }
    },
    BOOT_MS + 15_000,
  );
});
