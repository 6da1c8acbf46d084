-- A screening covers the areas it was answered for and belongs to the client who first books
-- with it (their e-mail, lower-cased). Screenings from before this had no areas: they were
-- answered for the face, which is what a service without areas treats.
ALTER TABLE screenings ADD COLUMN areas TEXT NOT NULL DEFAULT 'face';
ALTER TABLE screenings ADD COLUMN email TEXT;
