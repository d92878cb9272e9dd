// A NestJS 12 application that knows @zhongtai/saga only as an installed package: plain
// JavaScript (ES modules, decorators applied as functions), no path aliases, no build step.
// One service orchestrates a two-step order saga and handles its commands; the result goes to
// RESULT_FILE for the test to compare with the database.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import { writeFile } from 'node:fs/promises';
import { connect } from '@nats-io/transport-node';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  defineCommand,
  defineSaga,
  failure,
  SagaCommandHandler,
  SagaModule,
  SagaOrchestrator,
  sagaMigrations,
  success,
} from '@zhongtai/saga';
import { waitForSagas } from '@zhongtai/saga/testing';
import { DataSource } from 'typeorm';

const { DATABASE_URL, NATS_URL, SUBJECT_PREFIX, RESULT_FILE } = process.env;
const NATS = Symbol('NATS');

const Shop = {
  debit: defineCommand('shop', 'debit'),
  refund: defineCommand('shop', 'refund'),
  ship: defineCommand('shop', 'ship'),
};

const orderSaga = defineSaga('order', 1)
  .step('debit', Shop.debit, (order) => order)
  .compensateWith(Shop.refund, (order) => order)
  .pivot('ship', Shop.ship, (order) => order)
  .build();

class CreateLedger1765000000000 {
  name = 'CreateLedger1765000000000';
  async up(queryRunner) {
    await queryRunner.query(
      'CREATE TABLE ledger_entries (saga_id uuid NOT NULL, kind text NOT NULL, amount int NOT NULL)',
    );
  }
  async down(queryRunner) {
    await queryRunner.query('DROP TABLE ledger_entries');
  }
}

class LedgerHandlers {
  async debit(order, { manager, sagaId }) {
    await manager.query(`INSERT INTO ledger_entries VALUES ($1, 'debit', $2)`, [sagaId, order.amount]);
    return success();
  }

  async refund(order, { manager, sagaId }) {
    await manager.query(`INSERT INTO ledger_entries VALUES ($1, 'refund', $2)`, [sagaId, -order.amount]);
    return success();
  }

  async ship(order, { manager, sagaId }) {
    if (order.quantity > 5) return failure('OUT_OF_STOCK', `${order.quantity} ordered, 5 in stock`);
    await manager.query(`INSERT INTO ledger_entries VALUES ($1, 'ship', 0)`, [sagaId]);
    return success();
  }
}
Injectable()(LedgerHandlers);
for (const name of ['debit', 'refund', 'ship']) {
  SagaCommandHandler(Shop[name])(
    LedgerHandlers.prototype,
    name,
    Object.getOwnPropertyDescriptor(LedgerHandlers.prototype, name),
  );
}

const ids = { completed: randomUUID(), compensated: randomUUID(), duplicated: randomUUID() };

// Delivers the debit command of one saga twice, one copy after the other: a JetStream redelivery.
let duplicateDeliveries = 0;
async function duplicateOneDebit(message, deliver) {
  const target =
    message.subject === `${SUBJECT_PREFIX}.saga.cmd.shop.debit` && message.headers?.get('Saga-Id') === ids.duplicated;
  if (!target) return deliver();
  duplicateDeliveries += 1;
  const first = await deliver();
  duplicateDeliveries += 1;
  await deliver();
  return first;
}

class InfrastructureModule {}
Module({
  providers: [
    {
      provide: DataSource,
      useFactory: async () => {
        const dataSource = new DataSource({
          type: 'postgres',
          url: DATABASE_URL,
          migrations: [...sagaMigrations, CreateLedger1765000000000],
        });
        await dataSource.initialize();
        await dataSource.runMigrations();
        return dataSource;
      },
    },
    { provide: NATS, useFactory: () => connect({ servers: NATS_URL, maxReconnectAttempts: -1 }) },
  ],
  exports: [DataSource, NATS],
})(InfrastructureModule);

class ShopModule {}
Module({
  imports: [
    SagaModule.forRootAsync({
      imports: [InfrastructureModule],
      inject: [DataSource, NATS],
      useFactory: (dataSource, nats) => ({
        service: 'shop',
        subjectPrefix: SUBJECT_PREFIX,
        dataSource,
        nats,
        sagas: [orderSaga],
        deliveryHook: duplicateOneDebit,
        sweepIntervalMs: 200,
      }),
    }),
  ],
  providers: [LedgerHandlers],
})(ShopModule);

const app = await NestFactory.createApplicationContext(ShopModule, { logger: ['error', 'warn'] });
const dataSource = app.get(DataSource);
const nats = app.get(NATS);
const orchestrator = app.get(SagaOrchestrator);
const orders = {
  completed: { amount: 30, quantity: 1 },
  compensated: { amount: 40, quantity: 9 },
  duplicated: { amount: 50, quantity: 2 },
};
for (const [outcome, order] of Object.entries(orders)) {
  const sagaId = ids[outcome];
  await dataSource.transaction((manager) => orchestrator.start(manager, orderSaga, order, { sagaId }));
}
const statuses = await waitForSagas(dataSource, Object.values(ids), 30_000);
// Closing stops the consumers after the deliveries in flight, the second copy included.
await app.close();
await nats.drain();
await dataSource.destroy();
await writeFile(RESULT_FILE, JSON.stringify({ ids, statuses: Object.fromEntries(statuses), duplicateDeliveries }));
