-- What the client typed on each booking. A public booking never changes the client record
-- (anyone can type anyone's email), so the name and phone given on the booking are kept
-- here for staff to compare. Earlier bookings take the client record's details.
ALTER TABLE bookings ADD COLUMN booked_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN booked_phone TEXT;
UPDATE bookings SET
    booked_name = (SELECT name FROM clients WHERE clients.id = bookings.client_id),
    booked_phone = (SELECT phone FROM clients WHERE clients.id = bookings.client_id);
