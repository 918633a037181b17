-- PostgreSQL only (several nodes may share this store): one alert per event between the nodes.
-- bv_cluster_lock: named rows a node locks (SELECT ... FOR UPDATE) for work only one node may do at
-- a time; 'alert-state' serialises the alert decisions, so two nodes that see the same failure
-- cannot both find it new and both mail it.
CREATE TABLE bv_cluster_lock (
    name VARCHAR(64) PRIMARY KEY
);
INSERT INTO bv_cluster_lock (name) VALUES ('alert-state');
-- bv_alert_outbox: the alert mails waiting for delivery, kept here instead of each node's
-- ALERT_OUTBOX_DIR. A node claims a mail for a while (claimed_by, claimed_until; SELECT ... FOR
-- UPDATE SKIP LOCKED, so two nodes never claim one); delivered, it is deleted; a claim whose
-- node died expires and another node sends the mail. next_attempt_at: the resend interval after
-- a failed delivery, shared by all nodes.
CREATE TABLE bv_alert_outbox (
    id              VARCHAR(36)   PRIMARY KEY,
    kept_at         BIGINT        NOT NULL,
    kept_by         VARCHAR(255)  NOT NULL,
    subject         VARCHAR(1024) NOT NULL,
    mail            TEXT          NOT NULL,
    next_attempt_at BIGINT        NOT NULL,
    attempts        INTEGER       NOT NULL DEFAULT 0,
    claimed_by      VARCHAR(255),
    claimed_until   BIGINT
);
CREATE INDEX bv_alert_outbox_due ON bv_alert_outbox (kept_at);
