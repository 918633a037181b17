-- size_anomaly asks once per category and run which backups' latest verification FAILED.
CREATE INDEX IF NOT EXISTS bv_verification_category_status ON bv_verification (category, status);
