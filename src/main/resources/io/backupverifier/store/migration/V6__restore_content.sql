-- Which content a restore test read (SHA-256 of the whole file, null when it stopped before the
-- end): its verdict is about those bytes only, and the file may hold others later under the same
-- name. Rows of earlier versions keep null: no content is known for them.
ALTER TABLE bv_restore ADD COLUMN sha256 VARCHAR(64);
