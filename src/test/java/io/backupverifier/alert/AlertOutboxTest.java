package io.backupverifier.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox on real files: durable keeping, one claim per mail, and the take-over of a dead sender's claim. */
class AlertOutboxTest {

    @TempDir
    Path root;

    private static AlertMail mail(String subject) {
        return new AlertMail(subject, "text", "<p>html</p>");
    }

    @Test
    void keptMailReadsBackWithItsRecipientsAndLeavesNoTemporaryFile() throws Exception {
        AlertOutbox outbox = new AlertOutbox(root.resolve("outbox"), Clock.systemDefaultZone());
        Path kept = outbox.keep(mail("[backup-verifier] Report"), "admin@example.com");
        assertThat(kept.getFileName().toString()).matches("alert_\\d{8}_\\d{6}_\\d+_\\d{6}\\.json");
        assertThat(root.resolve("outbox").toFile().list())
                .containsExactly(kept.getFileName().toString());
        AlertOutbox.Claim c = outbox.claim(kept);
        assertThat(c.mail())
                .isEqualTo(new AlertMail("[backup-verifier] Report", "text", "<p>html</p>", "admin@example.com"));
    }

    @Test
    void anOutboxThatCannotBeWrittenIsAnErrorNamingIt() throws Exception {
        Path notADir = Files.writeString(root.resolve("outbox"), "a file where the outbox should be");
        AlertOutbox outbox = new AlertOutbox(notADir, Clock.systemDefaultZone());
        assertThatThrownBy(() -> outbox.keep(mail("[backup-verifier] FAILED x.gz: checksum")))
                .isInstanceOf(AlertNotKeptException.class)
                .hasMessageContaining(
                        "Cannot keep the alert '[backup-verifier] FAILED x.gz: checksum' in the outbox " + notADir);
    }

    @Test
    void manySendersAtOnceClaimEachMailExactlyOnce() throws Exception {
        Path dir = root.resolve("outbox");
        AlertOutbox writer = new AlertOutbox(dir, Clock.systemDefaultZone());
        for (int i = 0; i < 20; i++) {
            writer.keep(mail("alert " + i));
        }
        // several senders (threads here; the rename is the same between processes) drain at the same moment
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> senders = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            AlertOutbox outbox = new AlertOutbox(dir, Clock.systemDefaultZone());
            senders.add(pool.submit(() -> {
                go.await();
                List<String> sent = new ArrayList<>();
                for (Path p : outbox.pending()) {
                    AlertOutbox.Claim c = outbox.claim(p);
                    if (c != null) {
                        sent.add(c.mail().subject());
                        outbox.delivered(c);
                    }
                }
                return sent;
            }));
        }
        go.countDown();
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<String>> f : senders) {
            all.addAll(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(all).hasSize(20).doesNotHaveDuplicates();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aClaimOfADeadProcessIsTakenOverAndALiveOneIsLeftAlone() throws Exception {
        Path dir = root.resolve("outbox");
        AlertOutbox outbox = new AlertOutbox(dir, Clock.systemDefaultZone());
        Path kept = outbox.keep(mail("[backup-verifier] FAILED a.gz: checksum"));
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path deadClaim = Files.move(kept, dir.resolve(kept.getFileName() + "." + gone.pid() + ".sending"));
        Path kept2 = outbox.keep(mail("[backup-verifier] FAILED b.gz: checksum"));
        Path liveClaim = Files.move(
                kept2,
                dir.resolve(kept2.getFileName() + "."
                        + ProcessHandle.current().parent().orElseThrow().pid() + ".sending"));

        assertThat(outbox.pending()).containsExactly(deadClaim, liveClaim);
        AlertOutbox.Claim taken = outbox.claim(deadClaim);
        assertThat(taken).isNotNull();
        assertThat(taken.mail().subject()).isEqualTo("[backup-verifier] FAILED a.gz: checksum");
        assertThat(outbox.claim(liveClaim)).as("claimed by a live process").isNull();

        // a service restarted in a container often gets its old PID again: its predecessor's claim is still taken over
        Path kept3 = outbox.keep(mail("[backup-verifier] FAILED c.gz: checksum"));
        Path predecessor = Files.move(
                kept3,
                dir.resolve(kept3.getFileName() + "." + ProcessHandle.current().pid() + "-12345.sending"));
        AlertOutbox.Claim inherited = outbox.claim(predecessor);
        assertThat(inherited).isNotNull();
        assertThat(inherited.mail().subject()).isEqualTo("[backup-verifier] FAILED c.gz: checksum");
        outbox.delivered(inherited);

        // delivery failed: the mail waits again under its own name, and the service waits ALERT_RESEND_INTERVAL
        AlertOutbox service = new AlertOutbox(dir, Clock.systemDefaultZone(), Duration.ofHours(1));
        AlertOutbox.Claim again = service.claim(outbox.pending().stream()
                .filter(p -> p.toString()
                        .contains(taken.file().getFileName().toString().replaceAll("\\.\\d+\\.sending$", "")))
                .findFirst()
                .orElseThrow());
        assertThat(again).as("claimed by this process already").isNull();
        outbox.release(taken);
        Path waiting = dir.resolve(kept.getFileName());
        assertThat(waiting).exists();
        AlertOutbox.Claim retry = service.claim(waiting);
        service.release(Objects.requireNonNull(retry));
        assertThat(service.due()).as("not before the resend interval").doesNotContain(waiting);
        assertThat(service.pending()).contains(waiting);
    }
}
