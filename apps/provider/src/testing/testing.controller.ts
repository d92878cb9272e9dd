import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { MerchantAuthGuard } from '../http/merchant-auth.guard';
import { NotificationFaults, readFaults, writeFaults } from '../notifications/notification-faults';

class NotificationFaultsRequest implements Partial<NotificationFaults> {
  @IsOptional() @IsNumber() @Min(0) @Max(1) duplicate?: number;
  @IsOptional() @IsInt() @Min(0) @Max(600_000) delayMs?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) reorder?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) drop?: number;
}

class QueryFaultsRequest {
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, {
    each: true,
    message: 'each merchant order must be 1 to 64 letters, digits, _, ., : or -',
  })
  failing!: string[];
}

/** The merchant orders whose lookup fails with 503 (a provider that cannot answer one query). */
export interface QueryFaults {
  failing: string[];
}

class NotificationsQuery {
  @IsUUID()
  paymentId!: string;
}

/** What a notification went through, for tests that wait on a delivery or a drop. */
export interface NotificationDelivery {
  notificationId: string;
  status: string;
  attempts: number;
  failures: number;
  duplicatesSent: number;
  /** Held back once by the reorder fault. */
  heldBack: boolean;
  deliveredAt: string | null;
  droppedAt: string | null;
}

/**
 * Routes no real provider has: the faults of its notifications (every field not given is off),
 * the merchant orders whose lookup fails, and what became of each notification. Behind the merchant key like the rest.
 */
@UseGuards(MerchantAuthGuard)
@Controller('v1/testing')
export class TestingController {
  constructor(private readonly dataSource: DataSource) {}

  @Post('notification-faults')
  @HttpCode(HttpStatus.OK)
  async setNotificationFaults(@Body() request: NotificationFaultsRequest): Promise<NotificationFaults> {
    const faults = { duplicate: 0, delayMs: 0, reorder: 0, drop: 0, ...request };
    await writeFaults(this.dataSource.manager, faults);
    return faults;
  }

  @Get('notification-faults')
  notificationFaults(): Promise<NotificationFaults> {
    return readFaults(this.dataSource.manager);
  }

  /** Replaces the merchant orders whose lookup fails; `{ failing: [] }` ends every query fault. */
  @Post('query-faults')
  @HttpCode(HttpStatus.OK)
  async setQueryFaults(@Body() { failing }: QueryFaultsRequest): Promise<QueryFaults> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM provider_query_faults');
      await manager.query('INSERT INTO provider_query_faults (merchant_order_id) SELECT DISTINCT unnest($1::text[])', [
        failing,
      ]);
    });
    return { failing: [...new Set(failing)] };
  }

  @Get('notifications')
  async notificationsOf(@Query() { paymentId }: NotificationsQuery): Promise<{ items: NotificationDelivery[] }> {
    const rows = (await this.dataSource.query(
      `SELECT id, body::json->>'status' AS status, attempts, failures, duplicates_sent, held_back, delivered_at, dropped_at
       FROM provider_notifications WHERE payment_id = $1 ORDER BY seq`,
      [paymentId],
    )) as {
      id: string;
      status: string;
      attempts: number;
      failures: number;
      duplicates_sent: number;
      held_back: boolean;
      delivered_at: Date | null;
      dropped_at: Date | null;
    }[];
    return {
      items: rows.map((row) => ({
        notificationId: row.id,
        status: row.status,
        attempts: row.attempts,
        failures: row.failures,
        duplicatesSent: row.duplicates_sent,
        heldBack: row.held_back,
        deliveredAt: row.delivered_at?.toISOString() ?? null,
        droppedAt: row.dropped_at?.toISOString() ?? null,
      })),
    };
  }
}
