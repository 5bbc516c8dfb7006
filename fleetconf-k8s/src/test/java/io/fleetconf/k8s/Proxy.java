package io.fleetconf.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a fixed loopback port that can be stopped and started again: the API server going
 * away and coming back where its clients expect it, while the mock behind it keeps its objects.
 */
final class Proxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listening;
  private int port;

  Proxy(InetSocketAddress target) {
    this.target = target;
  }

  /** Listens (again, on the same port after the first time). */
  Proxy start() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    port = socket.getLocalPort();
    listening = socket;
    Thread.ofVirtual().start(() -> accept(socket));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        synchronized (open) {
          if (socket.isClosed()) { // stop() ran while this one was being accepted: it must not get through
            closeQuietly(client);
            closeQuietly(server);
            return;
          }
          open.add(client);
          open.add(server);
        }
        Thread.ofVirtual().start(() -> pipe(client, server));
        Thread.ofVirtual().start(() -> pipe(server, client));
      } catch (IOException e) {
        return; // stopped
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side closed: close both below
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  /** Refuses new connections and cuts the open ones, as a stopped API server does. */
  void stop() {
    synchronized (open) {
      closeQuietly(listening);
      open.forEach(Proxy::closeQuietly);
      open.clear();
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    stop();
  }
}
