-- The till's receipt printer (issue 18, item 5): one row per till, local only (a printer's
-- address belongs to the register, not the store, so it is not synced). `config` is the JSON
-- of contract/printer.ts PrinterConfig, validated by zod on the way in and on the way out.
CREATE TABLE pos.printer_settings (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    config        jsonb NOT NULL,
    return_policy text NOT NULL CHECK (length(return_policy) <= 400),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
