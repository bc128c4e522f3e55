DROP TABLE retail.scheduled_prices;
