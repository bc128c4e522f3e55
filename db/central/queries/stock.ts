/**
 * Stock at HQ for one store: levels (derived from the ledger), low stock against reorder
 * points, open alerts, the latest movement per product (the seed's latest-snapshot pattern) and
 * stock on hand as of any instant (replaying the ledger).
 */
import type { TenantTx } from '../tenant';

export interface StockLevel {
  productId: string;
  onHand: number;
  version: number;
}

export async function stockLevels(
  tx: TenantTx,
  productIds?: readonly string[],
): Promise<StockLevel[]> {
  const { rows } = await tx.query<{ product_id: string; on_hand: number; version: number }>(
    `SELECT product_id, on_hand, version FROM retail.stock_levels
      WHERE store_id = $1 AND ($2::uuid[] IS NULL OR product_id = ANY ($2))
      ORDER BY product_id`,
    [tx.storeId, productIds ?? null],
  );
  return rows.map((r) => ({ productId: r.product_id, onHand: r.on_hand, version: r.version }));
}

export interface LowStockRow {
  productId: string;
  sku: string;
  productName: string;
  onHand: number;
  reorderPoint: number;
  minimumStock: number;
}

/** Active products at or below their reorder point, emptiest first. */
export async function lowStock(
  tx: TenantTx,
  options: { limit?: number } = {},
): Promise<LowStockRow[]> {
  const { rows } = await tx.query<{
    product_id: string;
    sku: string;
    product_name: string;
    on_hand: number;
    reorder_point: number;
    minimum_stock: number;
  }>(
    `SELECT p.product_id, p.sku, p.product_name, coalesce(l.on_hand, 0) AS on_hand,
            p.reorder_point, p.minimum_stock
       FROM retail.products p
       LEFT JOIN retail.stock_levels l ON l.store_id = p.store_id AND l.product_id = p.product_id
      WHERE p.store_id = $1 AND p.is_active AND coalesce(l.on_hand, 0) <= p.reorder_point
      ORDER BY coalesce(l.on_hand, 0) - p.reorder_point, p.sku
      LIMIT $2`,
    [tx.storeId, options.limit ?? 100],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    productName: r.product_name,
    onHand: r.on_hand,
    reorderPoint: r.reorder_point,
    minimumStock: r.minimum_stock,
  }));
}

export interface StockAlert {
  alertId: string;
  productId: string;
  alertType: string;
  status: 'open' | 'resolved';
  onHand: number;
  reorderPoint: number;
  message: string;
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export async function stockAlerts(
  tx: TenantTx,
  options: { status?: 'open' | 'resolved'; productId?: string } = {},
): Promise<StockAlert[]> {
  const { rows } = await tx.query<{
    alert_id: string;
    product_id: string;
    alert_type: string;
    status: 'open' | 'resolved';
    on_hand: number;
    reorder_point: number;
    message: string;
    opened_at: Date;
    acknowledged_at: Date | null;
    resolved_at: Date | null;
  }>(
    `SELECT alert_id, product_id, alert_type, status, on_hand, reorder_point, message, opened_at,
            acknowledged_at, resolved_at
       FROM retail.stock_alerts
      WHERE store_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR product_id = $3)
      ORDER BY opened_at DESC, alert_id`,
    [tx.storeId, options.status ?? null, options.productId ?? null],
  );
  return rows.map((r) => ({
    alertId: r.alert_id,
    productId: r.product_id,
    alertType: r.alert_type,
    status: r.status,
    onHand: r.on_hand,
    reorderPoint: r.reorder_point,
    message: r.message,
    openedAt: r.opened_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
  }));
}

/** Someone at HQ has seen the alert; it stays open until stock is back above the reorder point. */
export async function acknowledgeAlert(
  tx: TenantTx,
  options: { alertId: string; staffId: string },
): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE retail.stock_alerts SET acknowledged_by = $3, acknowledged_at = now(), updated_at = now()
      WHERE store_id = $1 AND alert_id = $2 AND status = 'open'
      RETURNING alert_id`,
    [tx.storeId, options.alertId, options.staffId],
  );
  return rows.length > 0;
}

export interface LatestMovement {
  productId: string;
  movementId: string;
  occurredAt: Date;
  quantityDelta: number;
  reason: string;
  onHand: number;
}

/**
 * The most recent ledger movement per product with the resulting level (DISTINCT ON over the
 * (store, product, time) index: one index descent per product).
 */
export async function latestMovements(
  tx: TenantTx,
  productIds?: readonly string[],
): Promise<LatestMovement[]> {
  const { rows } = await tx.query<{
    product_id: string;
    movement_id: string;
    occurred_at: Date;
    quantity_delta: number;
    reason: string;
    on_hand: number;
  }>(
    `SELECT DISTINCT ON (m.product_id)
            m.product_id, m.movement_id, m.occurred_at, m.quantity_delta, m.reason,
            coalesce(l.on_hand, 0) AS on_hand
       FROM retail.stock_movements m
       LEFT JOIN retail.stock_levels l ON l.store_id = m.store_id AND l.product_id = m.product_id
      WHERE m.store_id = $1 AND ($2::uuid[] IS NULL OR m.product_id = ANY ($2))
      ORDER BY m.product_id, m.occurred_at DESC, m.created_at DESC, m.movement_id DESC`,
    [tx.storeId, productIds ?? null],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    movementId: r.movement_id,
    occurredAt: r.occurred_at,
    quantityDelta: r.quantity_delta,
    reason: r.reason,
    onHand: r.on_hand,
  }));
}

/** On hand per product as of an instant: the ledger replayed up to then. */
export async function stockAsOf(
  tx: TenantTx,
  at: Date,
): Promise<Array<{ productId: string; onHand: number }>> {
  const { rows } = await tx.query<{ product_id: string; on_hand: number }>(
    `SELECT product_id, sum(quantity_delta)::int AS on_hand
       FROM retail.stock_movements
      WHERE store_id = $1 AND occurred_at <= $2
      GROUP BY product_id
      ORDER BY product_id`,
    [tx.storeId, at.toISOString()],
  );
  return rows.map((r) => ({ productId: r.product_id, onHand: r.on_hand }));
}

/** The latest Z report of each register. */
export async function latestZReports(
  tx: TenantTx,
): Promise<Array<{ registerId: string; zNumber: number; shiftId: string; closedAt: Date }>> {
  const { rows } = await tx.query<{
    register_id: string;
    z_number: number;
    shift_id: string;
    closed_at: Date;
  }>(
    `SELECT DISTINCT ON (register_id) register_id, z_number, shift_id, closed_at
       FROM retail.z_reports
      WHERE store_id = $1
      ORDER BY register_id, z_number DESC`,
    [tx.storeId],
  );
  return rows.map((r) => ({
    registerId: r.register_id,
    zNumber: r.z_number,
    shiftId: r.shift_id,
    closedAt: r.closed_at,
  }));
}
