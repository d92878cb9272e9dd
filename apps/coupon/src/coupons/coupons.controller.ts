import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CouponRpc } from '@zhongtai/contracts';
import type { CouponQuoteResponse } from '@zhongtai/contracts';
import { CouponsService } from './coupons.service';
import type { CouponView } from './coupons.service';
import { CreateCouponDto } from './create-coupon.dto';
import { QuoteCouponDto } from './quote-coupon.dto';

@Controller()
export class CouponsController {
  private readonly logger = new Logger(CouponsController.name);

  constructor(private readonly coupons: CouponsService) {}

  @MessagePattern(CouponRpc.createCoupon)
  async createCoupon(@Payload() request: CreateCouponDto): Promise<CouponView> {
    const coupon = await this.coupons.createCoupon(request);
    this.logger.log({ code: coupon.code, kind: coupon.kind, value: coupon.value }, 'coupon created');
    return coupon;
  }

  @MessagePattern(CouponRpc.quote)
  quoteCoupon(@Payload() request: QuoteCouponDto): Promise<CouponQuoteResponse> {
    return this.coupons.quoteCoupon(request);
  }
}
