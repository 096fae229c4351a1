/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * A TCP link on loopback for fault injection, in front of a ZooKeeper client port or a server's
 * quorum port:
 *
 * <ul>
 *   <li>{@link #partition()} drops every byte in both directions, sockets kept open; {@link
 *       #heal()} forwards again;
 *   <li>{@link #delay(Duration)} delivers every chunk that long after it was read, in order (a slow
 *       link);
 *   <li>{@link #disconnect()} closes every connection; {@link #retarget(int)} sends new connections
 *       elsewhere;
 *   <li>{@link #cutAfterNextRequest(IntPredicate, int)} (client links only, which frame the client
 *       protocol): forwards the next client request of a matching type to the server, then drops
 *       the server's reply by closing the connection at once (a lost reply), and sends the client's
 *       reconnection elsewhere.
 * </ul>
 */
public final class FaultLink implements AutoCloseable {

  /** ZooKeeper op codes of the requests that create nodes. */
  public static final IntPredicate CREATES =
      op -> op == 1 || op == 15 || op == 19 || op == 21 || op == 14;

  private final ServerSocket server;
  private final boolean clientProtocol;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int targetPort;
  private volatile boolean partitioned;
  private volatile long delayNanos;
  private volatile boolean closed;
  private volatile Cut cut;

  private record Cut(IntPredicate op, int thenPort, CompletableFuture<Void> done) {}

  /**
   * @param clientProtocol whether the link carries the ZooKeeper client protocol (needed for {@link
   *     #cutAfterNextRequest})
   */
  public FaultLink(int targetPort, boolean clientProtocol) throws IOException {
    this.targetPort = targetPort;
    this.clientProtocol = clientProtocol;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-link-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String connectString() {
    return "127.0.0.1:" + port();
  }

  public void partition() {
    partitioned = true;
  }

  public void heal() {
    partitioned = false;
  }

  /** Delivers every chunk {@code delay} after it was read (zero: at once). */
  public void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  /** New connections go to {@code port} from now on. */
  public void retarget(int port) {
    targetPort = port;
  }

  /**
   * Forwards the next client request whose op code matches, then closes the connection before any
   * reply can pass, and sends new connections to {@code thenPort}.
   *
   * @return completes once the request was forwarded and the connection cut
   */
  public CompletableFuture<Void> cutAfterNextRequest(IntPredicate op, int thenPort) {
    if (!clientProtocol) {
      throw new IllegalStateException("not a client link");
    }
    Cut c = new Cut(op, thenPort, new CompletableFuture<>());
    cut = c;
    return c.done();
  }

  public void disconnect() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        Conn conn = new Conn(client, upstream);
        if (clientProtocol) {
          conn.start(conn::pumpFrames, conn.toServer);
        } else {
          conn.start(() -> conn.pumpChunks(client, conn.toServer), conn.toServer);
        }
        conn.start(() -> conn.pumpChunks(upstream, conn.toClient), conn.toClient);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private record Chunk(long at, byte[] bytes) {}

  private final class Conn {
    final Socket client;
    final Socket upstream;
    final Writer toServer;
    final Writer toClient;

    Conn(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
      this.toServer = new Writer(upstream);
      this.toClient = new Writer(client);
    }

    void start(Runnable reader, Writer writer) {
      Thread r = new Thread(reader, "fault-link-read-" + port());
      r.setDaemon(true);
      r.start();
      Thread w = new Thread(writer::run, "fault-link-write-" + port());
      w.setDaemon(true);
      w.start();
    }

    void pumpChunks(Socket from, Writer to) {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!partitioned) {
            to.send(Arrays.copyOf(buf, n));
          }
        }
      } catch (IOException e) {
        // closed
      } finally {
        closeBoth();
      }
    }

    /** Client to server, frame by frame: 4-byte length, then (after the first) xid and op code. */
    void pumpFrames() {
      try (DataInputStream in = new DataInputStream(client.getInputStream())) {
        boolean first = true;
        while (true) {
          int len = in.readInt();
          byte[] frame = new byte[4 + len];
          ByteBuffer.wrap(frame).putInt(len);
          in.readFully(frame, 4, len);
          if (partitioned) {
            first = false;
            continue;
          }
          Cut c = cut;
          if (!first && c != null && len >= 8 && c.op().test(ByteBuffer.wrap(frame).getInt(8))) {
            cut = null;
            targetPort = c.thenPort();
            // Write it directly (not delayed) and close before any reply can be forwarded.
            toClient.dead = true;
            OutputStream out = upstream.getOutputStream();
            out.write(frame);
            out.flush();
            closeQuietly(client);
            // Give the server the time to read the request before the reset.
            try {
              TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            closeBoth();
            c.done().complete(null);
            return;
          }
          first = false;
          toServer.send(frame);
        }
      } catch (IOException e) {
        // closed
      } finally {
        closeBoth();
      }
    }

    void closeBoth() {
      closeQuietly(client);
      closeQuietly(upstream);
      toServer.stop();
      toClient.stop();
    }
  }

  private final class Writer {
    final Socket to;
    final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    volatile boolean dead;
    private static final byte[] STOP = new byte[0];

    Writer(Socket to) {
      this.to = to;
    }

    void send(byte[] bytes) {
      queue.add(new Chunk(System.nanoTime() + delayNanos, bytes));
    }

    void stop() {
      queue.add(new Chunk(0, STOP));
    }

    void run() {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk c = queue.take();
          if (c.bytes() == STOP) {
            return;
          }
          long wait = c.at() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (!dead && !partitioned) {
            out.write(c.bytes());
            out.flush();
          }
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // ignore
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // ignore
    }
    disconnect();
  }
}
