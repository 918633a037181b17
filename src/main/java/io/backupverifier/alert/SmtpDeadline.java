package io.backupverifier.alert;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * A total time limit on one SMTP conversation. JavaMail's time-outs are per read and per
 * write, so a server that sends one byte every few seconds holds a sender for ever; here every
 * SMTP socket is closed once {@code total} has passed since it was opened, which ends the
 * delivery attempt with an error (the mail stays in the outbox for the next attempt).
 */
public final class SmtpDeadline extends SocketFactory {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bv-smtp-deadline");
        t.setDaemon(true);
        return t;
    });

    private final long totalMillis;

    private SmtpDeadline(Duration total) {
        this.totalMillis = total.toMillis();
    }

    /**
     * The JavaMail session properties with the total limit added (plain SMTP and STARTTLS; for
     * SMTPS the connect and read limits apply), and no connect or read limit longer than it.
     */
    public static Properties guard(Properties session, Duration total) {
        Properties p = new Properties();
        p.putAll(session);
        String ms = Long.toString(total.toMillis());
        for (String key : new String[] {"connectiontimeout", "timeout", "writetimeout"}) {
            for (String scheme : new String[] {"smtp", "smtps"}) {
                String name = "mail." + scheme + "." + key;
                String now = p.getProperty(name);
                if (now == null || Long.parseLong(now.strip()) > total.toMillis()) {
                    p.setProperty(name, ms);
                }
            }
        }
        p.put("mail.smtp.socketFactory", new SmtpDeadline(total)); // an instance: JavaMail takes it with put()
        return p;
    }

    @Override
    public Socket createSocket() {
        return new DeadlineSocket(totalMillis);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    /** A socket that closes itself when its time is up; closing it from the watchdog ends any blocked read or write. */
    private static final class DeadlineSocket extends Socket {

        private final ScheduledFuture<?> deadline;

        DeadlineSocket(long totalMillis) {
            deadline = WATCHDOG.schedule(
                    () -> {
                        try {
                            super.close();
                        } catch (IOException e) {
                            // closing is all we can do
                        }
                    },
                    totalMillis,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void close() throws IOException {
            deadline.cancel(false);
            super.close();
        }
    }
}
