package io.backupverifier.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import io.backupverifier.scan.Bytes;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The silent failures: a backup job that stopped, a backup that shrank, too few backups kept. */
class HistoryChecksTest {

    static final Instant NOW = Instant.parse("2025-12-28T12:00:00Z");

    @TempDir
    Path dir;

    private BackupCatalog catalog() {
        return new BackupCatalog(dir, List.of("*.gz"), List.of());
    }

    private CategoryChecks checks() {
        return new CategoryChecks(
                catalog(),
                Map.of("daily", Duration.ofHours(26), "weekly", Duration.ofDays(8), "monthly", Duration.ofDays(32)),
                Map.of("daily", 7, "weekly", 4, "monthly", 12),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Path backup(String name, Instant created, int sizeKb) {
        byte[] plain = new byte[sizeKb * 1024];
        new Random(sizeKb).nextBytes(plain); // incompressible: the file size follows sizeKb
        Path p = Fixtures.write(dir.resolve(name), Fixtures.gzip(plain));
        Fixtures.sidecar(p, created.toString(), null);
        return p;
    }

    private CheckResult check(String category, String id) {
        return checks().evaluate().stream()
                .filter(r -> r.category().equals(category))
                .findFirst()
                .orElseThrow()
                .checks()
                .get(id);
    }

    @Test
    void noBackupFor30HoursFailsFreshness() {
        backup("backup_20251227_060000.gz", NOW.minus(Duration.ofHours(30)), 10);
        CheckResult r = check("daily", "freshness");
        assertThat(r.status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.message()).isEqualTo("Newest daily backup backup_20251227_060000.gz is 30 h old (maximum 26 h)");
    }

    @Test
    void noBackupAtAllFailsFreshnessToo() {
        CheckResult r = check("daily", "freshness");
        assertThat(r.status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.message()).startsWith("No daily backup at all in ");
    }

    @Test
    void freshBackupPasses() {
        backup("backup_20251228_020000.gz", NOW.minus(Duration.ofHours(10)), 10);
        assertThat(check("daily", "freshness").status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void fiveDailyBackupsGiveARetentionWarning() {
        for (int i = 1; i <= 5; i++) {
            backup("backup_2025122" + i + "_020000.gz", NOW.minus(Duration.ofDays(i)), 10);
        }
        CheckResult r = check("daily", "retention");
        assertThat(r.status()).isEqualTo(CheckStatus.WARNING);
        assertThat(r.message()).isEqualTo("5 daily backups, the policy keeps 7");
    }

    @Test
    void backupAt40PercentOfTheMedianFailsSizeAnomaly() {
        for (int i = 2; i <= 6; i++) {
            backup("backup_2025122" + i + "_020000.gz", NOW.minus(Duration.ofDays(i)), 100);
        }
        Path small = backup("backup_20251228_020000.gz", NOW.minus(Duration.ofHours(10)), 40);
        Verification v = Fixtures.verify(small, dir);
        CheckResult r = new SizeAnomalyCheck(catalog(), 7, 0.3).evaluate(v);
        assertThat(r.status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.message())
                .startsWith("Backup shrank: ")
                .contains("is 40% of the median")
                .contains("previous 5 daily backups");

        Path bigger = backup("backup_20251228_030000.gz", NOW.minus(Duration.ofHours(9)), 140);
        CheckResult w = new SizeAnomalyCheck(catalog(), 7, 0.3).evaluate(Fixtures.verify(bigger, dir));
        assertThat(w.status()).as(w.message()).isEqualTo(CheckStatus.WARNING);

        // earlier backups known to be broken do not count: with all of them broken there is no history
        assertThat(new SizeAnomalyCheck(catalog(), 7, 0.3, c -> allBackups())
                        .evaluate(Fixtures.verify(small, dir))
                        .status())
                .isEqualTo(CheckStatus.SKIPPED);

        Path first = dir.resolve("backup_20251226_020000.gz"); // made 6 days ago: the oldest
        assertThat(new SizeAnomalyCheck(catalog(), 7, 0.3)
                        .evaluate(Fixtures.verify(first, dir))
                        .status())
                .isEqualTo(CheckStatus.SKIPPED); // the oldest has no history
    }

    /** A real dump (it passes the file checks) made at {@code created}. */
    private Path dump(String name, Instant created, String category) {
        Path p = Fixtures.backup(dir, "shop.sql.gz", name);
        Fixtures.sidecar(p, created.toString(), category);
        return p;
    }

    private Set<Path> allBackups() {
        return new HashSet<>(catalog().list());
    }

    @Test
    void aRunOverManyBackupsWalksOnceAndAsksTheStoreOncePerCategory() throws Exception {
        for (int i = 0; i < 30; i++) {
            dump(String.format("backup_d%02d.gz", i), NOW.minus(Duration.ofDays(30 - i)), null);
        }
        for (int i = 0; i < 6; i++) {
            dump(String.format("weekly_%02d.gz", i), NOW.minus(Duration.ofDays(60 - 7L * i)), "weekly");
        }
        BackupCatalog catalog = catalog();
        Map<String, Integer> queries = new ConcurrentHashMap<>();
        SizeAnomalyCheck check = new SizeAnomalyCheck(catalog, 7, 0.3, c -> {
            queries.merge(c, 1, Integer::sum);
            return Set.of();
        });
        Set<Object> snapshots = new HashSet<>();
        List<CheckResult> results = new ArrayList<>();
        for (Path p : catalog.list()) {
            results.add(check.evaluate(Fixtures.verify(p, dir)));
            snapshots.add(catalog.shared(p));
        }
        assertThat(snapshots).hasSize(1);
        assertThat(queries).isEqualTo(Map.of("daily", 1, "weekly", 1));
        assertThat(results.get(0).status()).isEqualTo(CheckStatus.SKIPPED); // the oldest has no history
        assertThat(results.get(29).status()).isEqualTo(CheckStatus.PASSED);
        assertThat(results.get(29).message())
                .startsWith("Backup size as usual: ")
                .endsWith(" is 100% of the median "
                        + Bytes.human(Files.size(dir.resolve("backup_d29.gz")))
                        + " of the previous 7 daily backups");
        assertThat(results.get(35).message()).contains("of the previous 5 weekly backups");
    }

    @Test
    void aBackupThatArrivesLaterIsInTheHistoryOfTheNextOne() {
        for (int i = 1; i <= 5; i++) {
            dump("backup_2025122" + i + "_020000.gz", NOW.minus(Duration.ofDays(7 - i)), null);
        }
        BackupCatalog catalog = catalog();
        SizeAnomalyCheck check = new SizeAnomalyCheck(catalog, 7, 0.3);
        assertThat(check.evaluate(Fixtures.verify(dir.resolve("backup_20251225_020000.gz"), dir))
                        .message())
                .contains("previous 4 daily backups");
        Path sixth = dump("backup_20251227_020000.gz", NOW.minus(Duration.ofDays(1)), null);
        assertThat(check.evaluate(Fixtures.verify(sixth, dir)).message()).contains("previous 5 daily backups");
        Path seventh = dump("backup_20251228_020000.gz", NOW.minus(Duration.ofHours(2)), null);
        assertThat(check.evaluate(Fixtures.verify(seventh, dir)).message()).contains("previous 6 daily backups");
    }

    @Test
    void aBackupThatFailsItsFileChecksInThisRunLeavesTheSizeHistory() throws Exception {
        for (int i = 1; i <= 5; i++) {
            dump("backup_2025122" + i + "_020000.gz", NOW.minus(Duration.ofDays(7 - i)), null);
        }
        Path damaged = dir.resolve("backup_20251225_020000.gz");
        byte[] data = Files.readAllBytes(damaged);
        data[data.length / 2] ^= 0x55; // same size, wrong checksum and CRC
        Files.write(damaged, data);
        Path newest = dump("backup_20251228_020000.gz", NOW.minus(Duration.ofHours(2)), null);

        SizeAnomalyCheck check = new SizeAnomalyCheck(catalog(), 7, 0.3);
        Verification broken = Fixtures.verify(damaged, dir);
        assertThat(broken.check("checksum").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(check.evaluate(Fixtures.verify(newest, dir)).message()).contains("previous 5 daily backups");
        check.evaluate(broken);
        assertThat(check.evaluate(Fixtures.verify(newest, dir)).message()).contains("previous 4 daily backups");
    }

    @Test
    void staleBackupDirectoryMakesVerifyAllExitOne() {
        backup("backup_20251227_060000.gz", Instant.parse("2025-12-27T06:00:00Z"), 10);
        Cli.Result r = new Cli(dir).env("BACKUP_DIR", dir.toString()).run("verify", "--all");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("[ERROR] Newest daily backup backup_20251227_060000.gz is ");
        assertThat(r.out()).contains("[WARNING] 1 daily backup, the policy keeps 7");
    }
}
