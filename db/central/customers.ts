/**
 * Customers at HQ: deleting one keeps their sales, which only lose the link.
 *
 * Until migration 0013 the foreign key from sales to customers did the unlinking itself
 * (ON DELETE SET NULL (customer_id)). A distributed database refuses SET NULL and SET DEFAULT
 * actions on keys that include the distribution column (store_id), so the service does it, in
 * the same transaction as the delete. The sales guard (migration 0006) allows exactly this one
 * change of a sale: its customer_id from a value to NULL.
 */
import type { TenantTx } from './tenant';

/** Delete a customer of the transaction's store; false when the store has no such customer. */
export async function deleteCustomer(tx: TenantTx, customerId: string): Promise<boolean> {
  // Lock the customer first: a push that names it (its foreign key check) waits for this
  // transaction, and then finds it gone, instead of adding a sale between unlink and delete.
  const { rows } = await tx.query(
    `SELECT 1 FROM retail.customers WHERE store_id = $1 AND customer_id = $2 FOR UPDATE`,
    [tx.storeId, customerId],
  );
  if (rows.length === 0) return false;
  await tx.query(
    `UPDATE retail.sales_transactions SET customer_id = NULL
      WHERE store_id = $1 AND customer_id = $2`,
    [tx.storeId, customerId],
  );
  await tx.query(`DELETE FROM retail.customers WHERE store_id = $1 AND customer_id = $2`, [
    tx.storeId,
    customerId,
  ]);
  tx.changes.record('customer', [customerId], 'delete');
  return true;
}
