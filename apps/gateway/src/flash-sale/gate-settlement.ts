import { Injectable } from '@nestjs/common';
import type { OrderView } from '@zhongtai/contracts';
import { OrderAnnouncements } from '../orders/order-announcements';
import { FlashSaleGate } from './flash-sale-gate';

/**
 * Settles the gate's promises from the order service's announcements: a paid order keeps its
 * units, a cancelled or compensated one gives them back, a refunded one restocks them. Every
 * gateway replica hears every announcement; the scripts make the second hearing a no-op.
 * One that no replica hears is corrected by the reconciliation or by the promise's expiry.
 */
@Injectable()
export class GateSettlement {
  constructor(
    private readonly gate: FlashSaleGate,
    announcements: OrderAnnouncements,
  ) {
    announcements.listen((order) => void this.settle(order));
  }

  private async settle(order: OrderView): Promise<void> {
    if (!this.gate.enabled) return;
    if (order.status === 'PAID') await this.gate.keep(order.id);
    else if (order.status === 'CANCELLED') await this.gate.giveBack(order.id);
    else if (order.status === 'REFUNDED') await this.gate.restockRefunded(order.id, order.items);
  }
}
