import type { ValueTransformer } from 'typeorm';

/**
 * PostgreSQL `bigint` arrives as a string (it may exceed 2^53); amounts of money here stay far
 * below that, so they are read as numbers.
 */
export const centsTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
