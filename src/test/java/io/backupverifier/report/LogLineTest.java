package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One escaping for every line a name reaches: nothing in a name can end a line or drive a terminal. */
class LogLineTest {

    @Test
    void controlCharactersAreEscapedAndEverythingElseIsKept() {
        assertThat(LogLine.printable("backup_20251227_120000.gz")).isEqualTo("backup_20251227_120000.gz");
        assertThat(LogLine.printable("café ☕ 备份.gz")).isEqualTo("café ☕ 备份.gz");
        assertThat(LogLine.printable("x\n[SUCCESS] forged\r.gz")).isEqualTo("x\\n[SUCCESS] forged\\r.gz");
        assertThat(LogLine.printable("\u001b[31mred\u0007\u0000\u007f\u0085\u009b.gz"))
                .isEqualTo("\\x1b[31mred\\x07\\x00\\x7f\\x85\\x9b.gz");
        assertThat(LogLine.printable("evil\u202egz.exe\u2028x")).isEqualTo("evil\\u202egz.exe\\u2028x");
        assertThat(LogLine.printable("tab\there")).isEqualTo("tab\\there");
    }

    @Test
    void aLineIsAlwaysOneLine() {
        assertThat(new LogLine(LogLine.ERROR, "Verifying backup: x\n[SUCCESS] forged.gz").toString())
                .isEqualTo("[ERROR] Verifying backup: x\\n[SUCCESS] forged.gz")
                .doesNotContain("\n");
    }
}
