package io.backupverifier.checks;

import static io.backupverifier.testing.Fixtures.backup;
import static io.backupverifier.testing.Fixtures.bytes;
import static io.backupverifier.testing.Fixtures.gunzip;
import static io.backupverifier.testing.Fixtures.gzip;
import static io.backupverifier.testing.Fixtures.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file check against real pg_dump output and the ways real backups break. */
class FileChecksTest {

    @TempDir
    Path dir;

    private static void assertCheck(Verification v, String id, CheckStatus status, String messagePart) {
        assertThat(v.check(id)).as(id + " of " + v.file().getFileName()).isNotNull();
        assertThat(v.check(id).status()).as(id + ": " + v.check(id).message()).isEqualTo(status);
        assertThat(v.check(id).message()).as(id).containsIgnoringCase(messagePart);
    }

    private Path plainDump(String name, byte[] sql) {
        Path p = Fixtures.write(dir.resolve(name), gzip(sql));
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        return p;
    }

    private static byte[] sql() {
        return gunzip(bytes("shop.sql.gz"));
    }

    @Test
    void goodPlainDumpPassesEveryCheck() {
        Verification v = verify(backup(dir, "shop.sql.gz", "backup_20251227_120000.gz"));
        assertThat(v.checks().keySet()).containsExactlyElementsOf(CheckId.ids(CheckId.Kind.FILE));
        assertCheck(v, "size", CheckStatus.PASSED, "File size check passed");
        assertCheck(v, "metadata", CheckStatus.PASSED, "Metadata valid");
        assertCheck(v, "checksum", CheckStatus.PASSED, "SHA256 checksum verified");
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "1 member");
        assertCheck(v, "extractable", CheckStatus.PASSED, "of SQL read to the end");
        assertCheck(v, "format", CheckStatus.PASSED, "PostgreSQL plain dump (pg_dump 15.");
        // a modern dump writes its unrestrict line after the trailer: still complete
        assertThat(new String(sql(), StandardCharsets.UTF_8)).contains("\\unrestrict");
        assertCheck(v, "dump_complete", CheckStatus.PASSED, "trailer found");
        assertThat(v.status()).isEqualTo(CheckStatus.PASSED);
        assertThat(v.category()).isEqualTo("daily");
    }

    @Test
    void bitFlipInsideDeflateWithOriginalSidecarFailsGzipAndChecksum() {
        Path p = backup(dir, "shop.sql.gz", "backup.gz");
        Fixtures.flipByte(p, 600);
        Verification v = verify(p);
        assertThat(v.check("gzip_integrity").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(v.check("gzip_integrity").message())
                .containsAnyOf("CRC32 mismatch in member 1", "Corrupt deflate data in member 1");
        assertCheck(v, "checksum", CheckStatus.FAILED, "SHA256 checksum mismatch: expected ");
        assertCheck(v, "extractable", CheckStatus.FAILED, "gzip stream breaks");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void bitFlipWithRecomputedSidecarStillFailsGzip() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.flipByte(p, 600);
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null); // the checksum was taken of the broken file
        Verification v = verify(p);
        assertCheck(v, "checksum", CheckStatus.PASSED, "verified");
        assertThat(v.check("gzip_integrity").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(v.failedChecks()).contains("gzip_integrity", "extractable");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void truncatedGzipFails() {
        Path p = backup(dir, "shop.sql.gz", "backup.gz");
        Fixtures.truncate(p, 3000);
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.FAILED, "truncated");
        assertCheck(v, "metadata", CheckStatus.FAILED, "'size_bytes' is");
        assertCheck(v, "checksum", CheckStatus.FAILED, "mismatch");
        assertCheck(v, "extractable", CheckStatus.FAILED, "gzip stream breaks");
        assertCheck(v, "dump_complete", CheckStatus.FAILED, "incomplete");
    }

    @Test
    void trailingGarbageAfterLastMemberFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.append(p, "garbage after the gzip member".getBytes(StandardCharsets.US_ASCII));
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.FAILED, "29 bytes of non-gzip data after the last member");
        assertCheck(v, "checksum", CheckStatus.PASSED, "verified");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void trailingZeroPaddingIsAlsoAFailure() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.append(p, new byte[512]);
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        assertCheck(verify(p), "gzip_integrity", CheckStatus.FAILED, "512 bytes of non-gzip data");
    }

    @Test
    void emptyFileFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), new byte[0]);
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "size", CheckStatus.FAILED, "File is empty");
        assertCheck(v, "gzip_integrity", CheckStatus.FAILED, "empty");
        assertCheck(v, "extractable", CheckStatus.FAILED, "empty");
        assertCheck(v, "format", CheckStatus.FAILED, "empty");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void fileUnderMinimumSizeFails() {
        byte[] tiny = gzip("-- PostgreSQL database dump\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(tiny.length).isLessThan(100);
        Path p = Fixtures.write(dir.resolve("backup.gz"), tiny);
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "size", CheckStatus.FAILED, "File too small: " + tiny.length + " bytes, minimum 100 B");
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "verified");
        assertCheck(v, "dump_complete", CheckStatus.FAILED, "no '-- PostgreSQL database dump complete' trailer");
    }

    @Test
    void notGzipAtAllFails() {
        Path p = Fixtures.write(
                dir.resolve("backup_20251227_120000.gz"),
                "<html><body>502 Bad Gateway</body></html>\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.FAILED, "Not a gzip file: starts with 3c 68, not 1f 8b");
        assertCheck(v, "format", CheckStatus.FAILED, "text that is not pg_dump output");
        assertCheck(v, "dump_complete", CheckStatus.SKIPPED, "unrecognised content");
    }

    @Test
    void wrongChecksumInSidecarFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        String wrong = "0".repeat(64);
        Fixtures.sidecarText(p, "{\"created_at\": \"2025-12-27T12:00:00Z\", \"sha256\": \"" + wrong + "\"}");
        Verification v = verify(p);
        assertCheck(
                v,
                "checksum",
                CheckStatus.FAILED,
                "SHA256 checksum mismatch: expected " + wrong + ", got " + Fixtures.sha256(p));
        assertCheck(v, "metadata", CheckStatus.PASSED, "valid");
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "verified");
    }

    @Test
    void missingSidecarFailsMetadataAndSkipsChecksum() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Verification v = verify(p);
        assertCheck(v, "metadata", CheckStatus.FAILED, "Metadata file missing: backup.gz.meta.json");
        assertCheck(v, "checksum", CheckStatus.SKIPPED, "No checksum to compare");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void invalidJsonSidecarFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(p, "{\"created_at\": \"2025-12-27T12:00:00Z\", \"sha256\": ");
        assertCheck(verify(p), "metadata", CheckStatus.FAILED, "is not valid JSON");
    }

    @Test
    void sidecarWithoutRequiredFieldFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(p, "{\"sha256\": \"" + Fixtures.sha256(p) + "\"}");
        Verification v = verify(p);
        assertCheck(v, "metadata", CheckStatus.FAILED, "required field 'created_at' is missing");
        assertCheck(v, "checksum", CheckStatus.PASSED, "verified"); // the checksum it does give still counts
    }

    @Test
    void sidecarWithBadTimestampFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(p, "{\"created_at\": \"2025-13-45 12:00\", \"sha256\": \"" + Fixtures.sha256(p) + "\"}");
        assertCheck(
                verify(p),
                "metadata",
                CheckStatus.FAILED,
                "'created_at' is not an ISO-8601 timestamp with offset or Z: '2025-13-45 12:00'");
    }

    @Test
    void sidecarTimestampWithoutOffsetFails() {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(
                p, "{\"created_at\": \"2025-12-27T12:00:00\", \"sha256\": \"" + Fixtures.sha256(p) + "\"}");
        assertCheck(verify(p), "metadata", CheckStatus.FAILED, "not an ISO-8601 timestamp with offset");
    }

    @Test
    void sidecarWithWrongSizeOrNameFails() throws Exception {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(
                p,
                "{\"file\": \"other.gz\", \"created_at\": \"2025-12-27T12:00:00+01:00\", \"sha256\": \""
                        + Fixtures.sha256(p) + "\", \"size_bytes\": 12}");
        Verification v = verify(p);
        assertCheck(
                v, "metadata", CheckStatus.FAILED, "'size_bytes' is 12 but the file has " + Files.size(p) + " bytes");
        assertThat(v.check("metadata").message()).contains("'file' is 'other.gz' but the backup is named 'backup.gz'");
    }

    @Test
    void sha256FileInsteadOfSidecarChecksum() throws Exception {
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(p, "{\"created_at\": \"2025-12-27T12:00:00Z\", \"unknown_key\": [1, 2]}");
        Files.writeString(dir.resolve("backup.gz.sha256"), Fixtures.sha256(p) + "  backup.gz\n");
        Verification v = verify(p);
        assertCheck(v, "metadata", CheckStatus.PASSED, "valid");
        assertCheck(v, "checksum", CheckStatus.PASSED, "SHA256 checksum verified (backup.gz.sha256)");

        Files.writeString(dir.resolve("backup.gz.sha256"), "ab".repeat(32) + " *backup.gz\n");
        assertCheck(verify(p), "checksum", CheckStatus.FAILED, "expected " + "ab".repeat(32));
    }

    @Test
    void sha256FileListingTwoDifferentChecksumsForTheBackupIsNotTrusted() throws Exception {
        // sha256sum -c fails one of the two lines; the first one alone made the checksum PASS
        Path p = Fixtures.write(dir.resolve("backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecarText(p, "{\"created_at\": \"2025-12-27T12:00:00Z\"}");
        Files.writeString(
                dir.resolve("backup.gz.sha256"),
                Fixtures.sha256(p) + "  backup.gz\n" + "0".repeat(64) + "  backup.gz\n");
        Verification v = verify(p);
        assertThat(v.check("checksum").status()).isNotEqualTo(CheckStatus.PASSED);
        assertThat(v.check("checksum").message()).contains("backup.gz.sha256 lists different checksums for backup.gz");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void dumpCutInsideCopyBlockButProperlyGzippedFails() {
        String text = new String(sql(), StandardCharsets.UTF_8);
        // cut just after the data row that reads like the completion trailer
        int copy = text.indexOf("COPY public.raw_messages");
        int cut = text.indexOf("-- PostgreSQL database dump complete\n", copy)
                + "-- PostgreSQL database dump complete\n--\n".length();
        Path p = plainDump("backup.gz", text.substring(0, cut).getBytes(StandardCharsets.UTF_8));
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "verified");
        assertCheck(v, "extractable", CheckStatus.PASSED, "read to the end");
        assertCheck(
                v,
                "dump_complete",
                CheckStatus.FAILED,
                "Dump is incomplete: it ends inside the data of table public.raw_messages");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void dumpCutBetweenStatementsFails() {
        String text = new String(sql(), StandardCharsets.UTF_8);
        int cut = text.indexOf("-- Name: order_items order_items_pkey");
        Verification v = verify(plainDump("backup.gz", text.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
        assertCheck(
                v, "dump_complete", CheckStatus.FAILED, "no '-- PostgreSQL database dump complete' trailer at its end");
    }

    @Test
    void dumpWithoutRestrictLinesFromOlderPgDumpPasses() {
        String text = new String(sql(), StandardCharsets.UTF_8).replaceAll("(?m)^\\\\(un)?restrict .*\n", "");
        Verification v = verify(plainDump("backup.gz", text.getBytes(StandardCharsets.UTF_8)));
        assertCheck(v, "dump_complete", CheckStatus.PASSED, "trailer found");
    }

    @Test
    void statementsAfterTheTrailerMeanItWasNotTheEnd() {
        String text = new String(sql(), StandardCharsets.UTF_8) + "CREATE TABLE public.late (id integer);\n";
        assertCheck(
                verify(plainDump("backup.gz", text.getBytes(StandardCharsets.UTF_8))),
                "dump_complete",
                CheckStatus.FAILED,
                "no '-- PostgreSQL database dump complete' trailer");
    }

    @Test
    void trailerInsideAnUnterminatedStringDoesNotCount() {
        String text = new String(sql(), StandardCharsets.UTF_8);
        text = text.substring(0, text.lastIndexOf("--\n-- PostgreSQL database dump complete"))
                + "INSERT INTO public.notes (body) VALUES ('text\n--\n-- PostgreSQL database dump complete\n--\n";
        assertCheck(
                verify(plainDump("backup.gz", text.getBytes(StandardCharsets.UTF_8))),
                "dump_complete",
                CheckStatus.FAILED,
                "ends inside a quoted string");
    }

    @Test
    void multiMemberGzipIsValid() {
        byte[] text = sql();
        int half = text.length / 2;
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(gzip(Arrays.copyOfRange(text, 0, half)));
        both.writeBytes(gzip(Arrays.copyOfRange(text, half, text.length)));
        Path p = Fixtures.write(dir.resolve("backup.gz"), both.toByteArray());
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "2 members");
        assertCheck(v, "dump_complete", CheckStatus.PASSED, "trailer found");
        assertThat(v.status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void crcMismatchInSecondMemberIsNamed() {
        byte[] text = sql();
        byte[] second = gzip(Arrays.copyOfRange(text, 100, text.length));
        second[second.length - 8] ^= 0x01; // the stored CRC32 of member 2
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(gzip(Arrays.copyOfRange(text, 0, 100)));
        both.writeBytes(second);
        Path p = Fixtures.write(dir.resolve("backup.gz"), both.toByteArray());
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        assertCheck(verify(p), "gzip_integrity", CheckStatus.FAILED, "CRC32 mismatch in member 2");
    }

    @Test
    void customArchivePasses() {
        Verification v = verify(backup(dir, "shop.dump", "backup_20251201_040000.dump"));
        assertCheck(v, "format", CheckStatus.PASSED, "PostgreSQL custom archive (archive version 1.");
        assertCheck(v, "gzip_integrity", CheckStatus.SKIPPED, "Not gzip-compressed (PostgreSQL custom archive)");
        assertCheck(v, "extractable", CheckStatus.PASSED, "custom archive read to the end");
        assertCheck(v, "dump_complete", CheckStatus.SKIPPED, "PostgreSQL custom archive");
        assertThat(v.status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void sqliteRawAndGzipPass() {
        Verification raw = verify(backup(dir, "shop.sqlite", "app.sqlite3"));
        assertCheck(raw, "format", CheckStatus.PASSED, "SQLite database");
        assertCheck(raw, "extractable", CheckStatus.PASSED, "4 pages");
        assertCheck(raw, "gzip_integrity", CheckStatus.SKIPPED, "SQLite");
        assertThat(raw.status()).isEqualTo(CheckStatus.PASSED);

        Verification gz = verify(backup(dir, "shop.sqlite.gz", "app.sqlite.gz"));
        assertCheck(gz, "gzip_integrity", CheckStatus.PASSED, "verified");
        assertCheck(gz, "format", CheckStatus.PASSED, "SQLite database");
        assertThat(gz.status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void truncatedSqliteInsideGoodGzipFails() {
        byte[] db = bytes("shop.sqlite");
        Path p = Fixtures.write(dir.resolve("app.sqlite.gz"), gzip(Arrays.copyOf(db, db.length - 4096)));
        Fixtures.sidecar(p, "2025-12-27T12:00:00Z", null);
        Verification v = verify(p);
        assertCheck(v, "gzip_integrity", CheckStatus.PASSED, "verified");
        assertCheck(v, "extractable", CheckStatus.FAILED, "SQLite database is truncated: its header says 4 pages");
    }

    @Test
    void tarGzPassesAndCutInnerTarFails() {
        Verification v = verify(backup(dir, "shop.tar.gz", "files.tar.gz"));
        assertCheck(v, "format", CheckStatus.PASSED, "tar archive (2 entries)");
        assertCheck(v, "extractable", CheckStatus.PASSED, "all 2 tar entries read to the end");
        assertThat(v.status()).isEqualTo(CheckStatus.PASSED);

        byte[] tar = gunzip(bytes("shop.tar.gz"));
        Path cut = Fixtures.write(dir.resolve("cut.tgz"), gzip(Arrays.copyOf(tar, 5000)));
        Fixtures.sidecar(cut, "2025-12-27T12:00:00Z", null);
        Verification c = verify(cut);
        assertCheck(c, "gzip_integrity", CheckStatus.PASSED, "verified");
        assertCheck(c, "extractable", CheckStatus.FAILED, "tar archive is cut or corrupt");
        assertThat(c.check("extractable").message()).contains("in entry 'shop.sql'");
        assertThat(c.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void unreadableFileFailsWithReason() throws Exception {
        Path p = backup(dir, "shop.sql.gz", "backup.gz");
        Files.delete(p);
        Verification v = verify(p);
        assertCheck(v, "size", CheckStatus.FAILED, "no such file");
        assertCheck(v, "extractable", CheckStatus.FAILED, "no such file");
        assertThat(v.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void categoryComesFromSidecarThenDirectory() {
        Path weekly = Fixtures.write(dir.resolve("weekly/backup.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecar(weekly, "2025-12-27T12:00:00Z", null);
        Path monthly = Fixtures.write(dir.resolve("weekly/other.gz"), bytes("shop.sql.gz"));
        Fixtures.sidecar(monthly, "2025-12-27T12:00:00Z", "monthly");
        assertThat(Fixtures.verify(weekly, dir).category()).isEqualTo("weekly");
        assertThat(Fixtures.verify(monthly, dir).category()).isEqualTo("monthly");
        assertThat(Fixtures.verify(weekly, dir.resolve("weekly")).category())
                .isEqualTo("daily"); // only below the backup dir
    }
}
