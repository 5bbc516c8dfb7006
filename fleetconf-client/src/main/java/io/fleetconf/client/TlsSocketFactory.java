package io.fleetconf.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sockets of an {@link javax.net.ssl.SSLContext} with fleetconf's {@link ClientTls#parameters()}
 * set on each: what {@link java.net.http.HttpClient.Builder#sslParameters} does for HttpClient,
 * for {@link javax.net.ssl.HttpsURLConnection}, which has no such setting. The host name is checked
 * in the handshake (endpoint identification {@code HTTPS}).
 */
final class TlsSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory sockets;
  private final SSLParameters parameters;

  TlsSocketFactory(SSLSocketFactory sockets, SSLParameters parameters) {
    this.sockets = sockets;
    this.parameters = parameters;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return sockets.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return sockets.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket() throws IOException {
    return configure(sockets.createSocket());
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
    return configure(sockets.createSocket(socket, host, port, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return configure(sockets.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return configure(sockets.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return configure(sockets.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return configure(sockets.createSocket(address, port, localAddress, localPort));
  }

  private Socket configure(Socket socket) {
    ((SSLSocket) socket).setSSLParameters(parameters); // sets only what parameters holds: protocols, host check
    return socket;
  }
}
