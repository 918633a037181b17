package io.backupverifier.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail server that accepts and then never finishes its greeting: one byte every half second,
 * as a server stuck behind a broken network or an overloaded filter does. It counts the
 * connections and those the client gave up on.
 */
final class SlowSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final Thread acceptor;

    SlowSmtpServer(int port) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::accept, "slow-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> dribble(s), "slow-smtp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void dribble(Socket s) {
        try (s;
                OutputStream out = s.getOutputStream()) {
            byte[] greeting = "220 slow.example.com ESMTP".getBytes();
            for (int i = 0; !server.isClosed(); i++) {
                out.write(greeting[i % greeting.length]);
                out.flush();
                Thread.sleep(500);
            }
        } catch (IOException e) {
            abandoned.incrementAndGet(); // the client closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int connections() {
        return connections.get();
    }

    int abandoned() {
        return abandoned.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
