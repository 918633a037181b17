-- A backup FAILED only on its sidecar or checksum while its data read cleanly is restore-tested
-- once per content of the file: the verdict, keyed by path, size, modification time and SHA-256,
-- is reused by later verifications until the file changes. One row per restore test.
CREATE TABLE IF NOT EXISTS bv_suspect_restore (
    id          VARCHAR(36)   PRIMARY KEY,
    file_path   VARCHAR(4096) NOT NULL,
    size_bytes  BIGINT        NOT NULL,
    modified_at BIGINT        NOT NULL,
    sha256      VARCHAR(64)   NOT NULL,
    status      VARCHAR(8)    NOT NULL,
    message     TEXT          NOT NULL,
    tested_at   BIGINT        NOT NULL
);
CREATE INDEX IF NOT EXISTS bv_suspect_restore_file ON bv_suspect_restore (file_path, tested_at);
