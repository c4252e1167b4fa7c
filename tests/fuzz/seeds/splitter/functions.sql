-- strata:up
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN 1 = 1 THEN 1 END; END;
SELECT E'esc\'aped;', $1, "q;uoted", `back;tick`, [br;acket];
/* outer /* nested; */ still comment; */ SELECT 2;
-- strata:down
DROP FUNCTION g;
DROP FUNCTION f
