-- What a booking's last status change replaced, and when it was made: the desk may undo a
-- cancellation, a no-show or an arrival for a few minutes (`service::UNDO_MINUTES`), back
-- to exactly the status it had. Empty for bookings whose status never changed.
ALTER TABLE bookings ADD COLUMN status_before TEXT;
ALTER TABLE bookings ADD COLUMN status_changed_at BIGINT;
