import { IsUUID } from 'class-validator';
import type { WalletRequest } from '@zhongtai/contracts';

export class WalletRequestDto implements WalletRequest {
  @IsUUID()
  customerId!: string;
}
