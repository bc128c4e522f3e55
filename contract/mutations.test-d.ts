/** Type-level contract tests (vitest typecheck): the mutation types stay derived from schemas. */
import { describe, expectTypeOf, it } from 'vitest';
import type { Mutation, NewMutation, SaleRecorded } from './mutations';

describe('mutation types', () => {
  it('derive the envelope from the schemas', () => {
    expectTypeOf<
      Extract<Mutation, { type: 'sale.recorded' }>['payload']
    >().toEqualTypeOf<SaleRecorded>();
    expectTypeOf<NewMutation>().not.toHaveProperty('mutationId');
    expectTypeOf<SaleRecorded['totalCents']>().toEqualTypeOf<number>();
  });
});
