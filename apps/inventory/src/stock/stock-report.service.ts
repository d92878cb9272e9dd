import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { InventoryStats } from '@zhongtai/contracts';
import { Repository } from 'typeorm';
import { Product } from '../catalogue/product.entity';
import { Reservation, RESERVATION_STATUSES, ReservationStatus } from '../reservations/reservation.entity';
import { toStockView } from './stock-view';

/** What operators see of the stock: counters per sku and where reservations stand. */
@Injectable()
export class StockReportService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
  ) {}

  async stats(): Promise<InventoryStats> {
    const [products, counts] = await Promise.all([
      this.products.find({ order: { sku: 'ASC' } }),
      this.reservations
        .createQueryBuilder('reservation')
        .select('reservation.status', 'status')
        .addSelect('count(*)::int', 'count')
        .groupBy('reservation.status')
        .getRawMany<{ status: ReservationStatus; count: number }>(),
    ]);
    const reservations = Object.fromEntries(RESERVATION_STATUSES.map((status) => [status, 0])) as Record<
      ReservationStatus,
      number
    >;
    for (const { status, count } of counts) reservations[status] = count;
    return { products: products.map(toStockView), reservations };
  }
}
