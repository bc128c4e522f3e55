DROP TABLE retail.daily_cashier_sales;
DROP TABLE retail.daily_tender_sales;
DROP TABLE retail.hourly_store_sales;
