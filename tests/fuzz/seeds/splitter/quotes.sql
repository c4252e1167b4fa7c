-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INT);
/* block; comment */ INSERT INTO t VALUES ('it''s; fine', 1);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = CASE WHEN a = 'q' THEN 'r;' ELSE a END;
  DELETE FROM t WHERE a IS NULL;
END;
SELECT $tag$ unterminated; dollar
BEGIN;
COMMIT;
