-- add team
-- strata:no-transaction
-- strata:hazard data_loss.drop_column hero.nickname
-- strata:allow data_loss.drop_column

-- strata:up
CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX team_name ON team (name);
ALTER TABLE hero DROP COLUMN nickname;
CREATE TRIGGER touch AFTER INSERT ON team BEGIN
  UPDATE team SET name = CASE WHEN name = '' THEN 'x;' ELSE name END;
END;

-- strata:down
DROP TABLE team;
