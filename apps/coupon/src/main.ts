import { runService } from '@zhongtai/platform';
import { couponDatabase } from './coupon.database';
import { CouponModule } from './coupon.module';

void runService({ service: 'coupon', module: () => CouponModule, database: couponDatabase });
