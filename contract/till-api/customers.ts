/**
 * The till API's customers area (till/api/customers.ts): finding a customer and creating one at
 * the till.
 */
import { z } from 'zod';
import { Text, blankAsNull } from './fields';

export const CustomersInput = {
  findCustomers: z.object({
    query: z.string().max(10_000),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  createCustomer: z.object({
    firstName: Text('The first name', 50).trim().min(1, 'The first name is required'),
    lastName: Text('The last name', 50).trim().min(1, 'The last name is required'),
    email: z
      .preprocess(
        blankAsNull,
        z.email('That is not a valid email address').max(100, 'The email is too long').nullable(),
      )
      .default(null),
    phone: z
      .preprocess(
        blankAsNull,
        Text('The phone number', 30)
          .trim()
          .regex(/^[0-9+() .-]{5,30}$/, 'That is not a valid phone number')
          .nullable(),
      )
      .default(null),
  }),
} as const;

/** What the till API's `createCustomer` hands the database: validated, blanks as null. */
export type NewCustomer = z.output<typeof CustomersInput.createCustomer>;

export interface Customer {
  customerId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  loyaltyTier: string;
}
