CREATE TABLE t (a INT);
-- strata:notransaction
-- strata:hazard
-- strata:allow
-- strata:down
-- strata:up
-- strata:up
