import { IsInt, IsUUID, Max, Min } from 'class-validator';
import type { WalletEntriesRequest, WalletRequest } from '@zhongtai/contracts';

export class WalletRequestDto implements WalletRequest {
  @IsUUID()
  customerId!: string;
}

export class WalletEntriesRequestDto implements WalletEntriesRequest {
  @IsUUID()
  customerId!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  limit!: number;
}
