CREATE ROLE dba LOGIN SUPERUSER PASSWORD 'on-call-dba-7261';
CREATE DATABASE shop;
\c shop
CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(8,2) NOT NULL, status text NOT NULL);
INSERT INTO orders SELECT g, 'customer-' || g, round((10 + g * 3.7)::numeric, 2), 'paid' FROM generate_series(1, 42) g;
CREATE ROLE shop_app LOGIN PASSWORD 'api-secret-5518';
GRANT SELECT ON orders TO shop_app;
