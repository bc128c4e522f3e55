DROP TABLE retail.daily_store_sales;
