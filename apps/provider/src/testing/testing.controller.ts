import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { IsInt, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { MerchantAuthGuard } from '../http/merchant-auth.guard';
import { NotificationFaults, readFaults, writeFaults } from '../notifications/notification-faults';

class NotificationFaultsRequest implements Partial<NotificationFaults> {
  @IsOptional() @IsNumber() @Min(0) @Max(1) duplicate?: number;
  @IsOptional() @IsInt() @Min(0) @Max(600_000) delayMs?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) reorder?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) drop?: number;
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
 * Routes no real provider has: the faults of its notifications (every field not given is off)
 * and what became of each notification. Behind the merchant key like the rest.
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
