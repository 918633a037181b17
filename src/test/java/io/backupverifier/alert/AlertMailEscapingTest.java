package io.backupverifier.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A backup's name is written by whoever writes backups: in a mail it can forge neither a header nor a line. */
class AlertMailEscapingTest {

    @Test
    void controlCharactersInANameAreEscapedInSubjectAndText() {
        String forged = "x.gz\nBcc: victim@example.com\n\u001b[32m[SUCCESS] all good.gz";
        BackupResult r = new BackupResult() {
            public Path file() {
                return Path.of("/backups/daily", forged);
            }

            public String category() {
                return "daily";
            }

            public long sizeBytes() {
                return 1;
            }

            public Map<String, CheckResult> checks() {
                Map<String, CheckResult> m = new LinkedHashMap<>();
                m.put("format", CheckResult.failed("Not a backup: " + forged));
                return m;
            }

            public ResultKind resultKind() {
                return ResultKind.VERIFY;
            }
        };
        AlertMail mail = new AlertMailRenderer("host", List.of(Path.of("/var/log/bv")))
                .render(new AlertState.Change(List.of(r), List.of()))
                .get(0);
        assertThat(mail.subject())
                .doesNotContain("\n")
                .doesNotContain("\u001b")
                .startsWith(
                        "[backup-verifier] FAILED x.gz\\nBcc: victim@example.com\\n\\x1b[32m[SUCCESS] all good.gz: format");
        assertThat(mail.text().lines())
                .noneMatch(l -> l.startsWith("Bcc:") || l.contains("[SUCCESS] all good") && !l.contains("\\n"));
        assertThat(mail.text()).doesNotContain("\u001b");
    }
}
