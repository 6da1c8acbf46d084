-- The longest hold ever written, so that a query for the holds overlapping a time looks back
-- on the start index only that far, not a whole day: in a busy clinic a day's holds are
-- hundreds of rows read for every booking. It never shrinks, which keeps it a safe bound.
-- The booking writer, which asks it for every booking, runs on SQLite only.
CREATE TABLE hold_span (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    longest_s INTEGER NOT NULL
);
INSERT INTO hold_span (only_row, longest_s)
    SELECT 1, coalesce(max(end_at - start_at), 0) FROM holds;

CREATE TRIGGER hold_span_insert AFTER INSERT ON holds
WHEN NEW.end_at - NEW.start_at > (SELECT longest_s FROM hold_span)
BEGIN
    UPDATE hold_span SET longest_s = NEW.end_at - NEW.start_at;
END;

CREATE TRIGGER hold_span_update AFTER UPDATE OF start_at, end_at ON holds
WHEN NEW.end_at - NEW.start_at > (SELECT longest_s FROM hold_span)
BEGIN
    UPDATE hold_span SET longest_s = NEW.end_at - NEW.start_at;
END;

-- The overlap query reads the end and the resource from the index itself.
DROP INDEX holds_start;
CREATE INDEX holds_start ON holds (start_at, end_at, resource);
