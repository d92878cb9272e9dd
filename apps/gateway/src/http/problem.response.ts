import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorResponse {
  @ApiProperty({ example: 'items.0.quantity' }) field!: string;
  @ApiProperty({ type: [String] }) messages!: string[];
}

/** RFC 9457 problem details, served as application/problem+json. */
export class ProblemResponse {
  @ApiProperty({ example: 'https://zhongtai.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'The request is invalid' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'Invalid fields: items' }) detail!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable code clients may switch on' }) code!: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse] }) errors?: FieldErrorResponse[];
}
