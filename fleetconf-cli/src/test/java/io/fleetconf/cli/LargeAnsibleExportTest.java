package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An inventory of many hosts, imported and exported: the round trip holds at size, in seconds. */
class LargeAnsibleExportTest {
  private static final int HOSTS = Integer.getInteger("fleetconf.largeExportHosts", 300);
  private static final int SITES = 20;
  @TempDir Path dir;
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void hundredsOfHostsInNestedGroupsComeBackWithTheirVariables() throws Exception {
    StringBuilder ini = new StringBuilder();
    for (int site = 0; site < SITES; site++) {
      ini.append("[site_").append(site).append("]\n");
      for (int host = site; host < HOSTS; host += SITES) {
        ini.append("vv-").append(host).append(" serial=").append(host).append(host % 7 == 0 ? " role=dvr" : "").append('\n');
      }
      ini.append("[site_").append(site).append(":vars]\ndvr_ip=10.0.").append(site).append(".1\nlimits={'cpu': ").append(site)
          .append("}\n");
    }
    ini.append("[region_eu:children]\n");
    for (int site = 0; site < SITES / 2; site++) {
      ini.append("site_").append(site).append('\n');
    }
    ini.append("[region_eu:vars]\nregion=eu\nlimits={'cpu': 1, 'mem': 512}\n[all:vars]\nntp=pool.ntp.org\n");
    Path inventory = Files.writeString(dir.resolve("hosts"), ini.toString());
    assertThat(CliRun.fleetconf(server, "import", "ansible", inventory.toString()).status()).isZero();

    long start = System.nanoTime();
    CliRun exported = CliRun.fleetconf(server, "export", "ansible", "--to", dir.resolve("export").toString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(exported.status()).as(exported.err()).isZero();
    System.out.println("export of " + HOSTS + " hosts: " + millis + " ms");

    JsonNode original = AnsibleRoundTripTest.list(inventory);
    JsonNode back = AnsibleRoundTripTest.list(dir.resolve("export"));
    AnsibleRoundTripTest.assertSameHostvars(back, original);
  }
}
