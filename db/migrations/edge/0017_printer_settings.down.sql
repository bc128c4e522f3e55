DROP TABLE pos.printer_settings;
