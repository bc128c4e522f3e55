/**
 * The till's printing settings (edge migration 0017, pos.printer_settings) and what a receipt
 * prints besides the sale: the store's name, address (or location) and phone, the cashier's
 * and the customer's names.
 */
import { PrintSettings, NO_PRINTER, DEFAULT_RETURN_POLICY } from '../../contract/printer';
import { CorruptDataError } from '../errors';
import type { Queryable } from '../queryable';

/** No row yet: no printer, the default return policy. */
export async function readPrintSettings(db: Queryable): Promise<PrintSettings> {
  const { rows } = await db.query<{ config: unknown; return_policy: string }>(
    `SELECT config, return_policy FROM pos.printer_settings`,
  );
  const row = rows[0];
  if (!row) return { printer: NO_PRINTER, returnPolicy: DEFAULT_RETURN_POLICY };
  // Checked on the way out too: a row written by an older till must still mean a printer.
  const parsed = PrintSettings.safeParse({ printer: row.config, returnPolicy: row.return_policy });
  if (!parsed.success)
    throw new CorruptDataError('The printer settings on this till are unreadable; set them again', {
      cause: parsed.error,
    });
  return parsed.data;
}

/** `settings` is already validated (the till API's input schema). */
export async function writePrintSettings(db: Queryable, settings: PrintSettings): Promise<void> {
  await db.query(
    `INSERT INTO pos.printer_settings (singleton, config, return_policy, updated_at)
     VALUES (true, $1, $2, now())
     ON CONFLICT (singleton) DO UPDATE
       SET config = EXCLUDED.config, return_policy = EXCLUDED.return_policy, updated_at = now()`,
    [JSON.stringify(settings.printer), settings.returnPolicy],
  );
}

export interface ReceiptParties {
  storeName: string;
  storeLocation: string | null;
  storeAddress: string | null;
  storePhone: string | null;
  cashierName: string | null;
  customerName: string | null;
}

/** Names as the till knows them now (a cashier or customer removed since prints without). */
export async function readReceiptParties(
  db: Queryable,
  options: { storeId: string; cashierId: string; customerId: string | null },
): Promise<ReceiptParties> {
  const { rows } = await db.query<{
    store_name: string;
    store_location: string | null;
    store_address: string | null;
    store_phone: string | null;
    cashier: string | null;
    customer: string | null;
  }>(
    `SELECT s.store_name, s.store_location, s.store_address, s.store_phone,
            (SELECT display_name FROM retail.staff
              WHERE store_id = s.store_id AND staff_id = $2) AS cashier,
            (SELECT trim(first_name || ' ' || last_name) FROM retail.customers
              WHERE store_id = s.store_id AND customer_id = $3) AS customer
       FROM retail.stores s WHERE s.store_id = $1`,
    [options.storeId, options.cashierId, options.customerId],
  );
  const row = rows[0];
  return {
    storeName: row?.store_name ?? '',
    storeLocation: row?.store_location ?? null,
    storeAddress: row?.store_address ?? null,
    storePhone: row?.store_phone ?? null,
    cashierName: row?.cashier ?? null,
    customerName: row?.customer ?? null,
  };
}
