import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'mei@zhongtai.local' })
  @IsString()
  @Length(3, 254)
  email!: string;

  @ApiProperty({ example: 'mei-password' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the token expires' }) expiresIn!: number;
}
