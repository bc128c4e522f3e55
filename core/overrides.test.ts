import { describe, expect, it } from 'vitest';
import { overrideApprovalReasons } from './overrides';

const policy = { limitPpm: 100_000, openPriceLimitCents: 10_000 };
const line = (unit: number, catalog: number, cost: number | null = null) => ({
  productName: 'Lamp',
  unitPriceCents: unit,
  catalogPriceCents: catalog,
  costCents: cost,
});

describe('overrideApprovalReasons', () => {
  it('lets a cashier take up to the limit off, or raise a price, alone', () => {
    expect(overrideApprovalReasons([line(900, 1000), line(1500, 1000)], policy)).toEqual([]);
  });

  it('asks a manager beyond the limit (rounded up: 10.01 % is beyond 10 %)', () => {
    expect(overrideApprovalReasons([line(8999, 10_000)], policy)).toEqual([
      'Lamp: 89.99 instead of 100.00 is more than 10% off',
    ]);
  });

  it('asks a manager below cost, whatever the limit', () => {
    expect(overrideApprovalReasons([line(950, 1000, 960)], policy)).toEqual([
      'Lamp: 9.50 is below cost',
    ]);
  });

  it('asks a manager for an open price above the open-price limit', () => {
    expect(overrideApprovalReasons([line(10_000, 0)], policy)).toEqual([]);
    expect(overrideApprovalReasons([line(10_001, 0)], policy)).toEqual([
      'Lamp: an open price of 100.01 is above the 100.00 a cashier may enter',
    ]);
  });
});
