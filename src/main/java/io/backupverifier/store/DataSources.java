package io.backupverifier.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Makes the results store's DataSource from its JDBC URL: an SQLite file by default, PostgreSQL when configured. */
public final class DataSources {

    private DataSources() {
    }

    public static DataSource of(String url, String user, String password) {
        if (url.startsWith("jdbc:sqlite:")) {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the results store directory for " + file + ": " + e, e);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(30_000);                     // parallel verifications write at once
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // a transaction takes the write lock when it begins (waiting up to the busy timeout): one that
            // read first could not upgrade while another wrote, and SQLite says BUSY at once, whatever the timeout
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl(url);
            return ds;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (!user.isEmpty()) {
            ds.setUser(user);
        }
        if (!password.isEmpty()) {
            ds.setPassword(password);
        }
        ds.setConnectTimeout(10);
        return ds;
    }
}
