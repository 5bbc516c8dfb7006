package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class DeviceLoopTest {
  @Test
  void spreadsDevicesOverLoopbackSourceAddresses() {
    assertThat(DeviceLoop.sourceAddress(0).getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(DeviceLoop.sourceAddress(19_999).getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(DeviceLoop.sourceAddress(20_000).getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(DeviceLoop.sourceAddress(45_000).getHostAddress()).isEqualTo("127.0.0.3");
  }

  @Test
  void aSecondSourceAddressReachesAServerOnTheFirst() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        SocketChannel channel = SocketChannel.open()) {
      channel.bind(new InetSocketAddress(DeviceLoop.sourceAddress(20_000), 0));
      channel.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
      }
    }
  }
}
