-- The longest hold ever written, so that a query for the holds overlapping a time looks back
-- on the start index only that far, not a whole day: in a busy clinic a day's holds are
-- hundreds of rows read for every booking. It never shrinks, which keeps it a safe bound.
-- The same table and query as on SQLite (its migration 0021).
CREATE TABLE hold_span (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    longest_s BIGINT NOT NULL
);
INSERT INTO hold_span (only_row, longest_s)
    SELECT 1, coalesce(max(end_at - start_at), 0) FROM holds;

-- The row is locked only when a hold is longer than any before, which is rare: bookings of
-- the usual lengths never wait on each other here.
CREATE FUNCTION hold_span_grow() RETURNS trigger AS $$
BEGIN
    UPDATE hold_span SET longest_s = NEW.end_at - NEW.start_at
        WHERE longest_s < NEW.end_at - NEW.start_at;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hold_span_insert AFTER INSERT ON holds
    FOR EACH ROW EXECUTE FUNCTION hold_span_grow();
CREATE TRIGGER hold_span_update AFTER UPDATE OF start_at, end_at ON holds
    FOR EACH ROW EXECUTE FUNCTION hold_span_grow();

-- The overlap query reads the end and the resource from the index itself.
DROP INDEX holds_start;
CREATE INDEX holds_start ON holds (start_at, end_at, resource);
