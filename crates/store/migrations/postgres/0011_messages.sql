-- Planned messages: reminders, the aftercare timeline and the next-session note are outbox
-- rows written with the change that causes them and sent when due. A move or a status
-- change withdraws the booking's planned rows still waiting and plans them afresh.

-- When the message is meant to go (next_attempt_at starts there and moves with retries).
ALTER TABLE outbox ADD COLUMN due_at BIGINT;
-- Past this moment the message is dropped as 'skipped' rather than sent late.
ALTER TABLE outbox ADD COLUMN expires_at BIGINT;
-- 1 for planned messages (withdrawn when their booking changes), 0 for mail sent at once.
ALTER TABLE outbox ADD COLUMN planned BIGINT NOT NULL DEFAULT 0;
-- Set on messages a client may opt out of; the worker adds RFC 8058 headers with it.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
-- The transport: 'email' today. A worker claims only its own channel's rows.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
CREATE INDEX outbox_booking ON outbox (booking_id, status);

-- Clients who asked for no more optional messages. Essential mail still goes.
CREATE TABLE message_optouts (
    client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

-- Further links that open a booking's manage page, minted when a message needs one after
-- the booking was made (only the hash of the first token is kept on the booking).
CREATE TABLE booking_links (
    token_hash TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX booking_links_booking ON booking_links (booking_id);

-- Random keys for signed links (the unsubscribe link), made on first use.
CREATE TABLE signing_keys (
    purpose TEXT PRIMARY KEY,
    key TEXT NOT NULL
);

-- When the clinic was last mailed about an alert; an alert left unacknowledged is mailed
-- again once per [messages] alert_ack_hours.
ALTER TABLE checkin_alerts ADD COLUMN notified_at BIGINT;
