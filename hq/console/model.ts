/** Shapes and names the console's screens share. */
import type { z } from 'zod';
import type { StoreEntity } from '../../contract/catalog';

export type Store = z.infer<typeof StoreEntity>;

export const ROLE_NAMES = {
  admin: 'Administrator',
  manager: 'Store manager',
  analyst: 'Analyst',
} as const;
