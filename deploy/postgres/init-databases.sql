-- One database per service (see .env.example). The postgres image runs this file only when it
-- initialises an empty data volume; `node dist/scripts/migrate.js` also creates any that are
-- missing, so a volume created before a new service was added still works.
CREATE DATABASE zhongtai_order;
CREATE DATABASE zhongtai_inventory;
CREATE DATABASE zhongtai_coupon;
CREATE DATABASE zhongtai_payment;
CREATE DATABASE zhongtai_provider;
