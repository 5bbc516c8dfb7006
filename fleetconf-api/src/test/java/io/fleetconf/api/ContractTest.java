package io.fleetconf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void configAnswerLeavesOutWhatIsAbsentAndWritesTheConfigAsGiven() {
    ConfigAnswer answer = new ConfigAnswer("cam-1", Optional.empty(), 7, false,
        JsonNodeFactory.instance.rawValueNode(new RawValue("{\"common\":{\"x\":1.10}}")), List.of(), Optional.empty());
    assertThat(answer.toJson().toString())
        .isEqualTo("{\"device\":\"cam-1\",\"revision\":7,\"config\":{\"common\":{\"x\":1.10}}}");
  }

  @Test
  void configAnswerReadsBackWhatTheServerWrites() throws Exception {
    ConfigAnswer read = ConfigAnswer.from(JSON.readTree("{\"device\":\"cam-1\",\"namespace\":\"common\",\"revision\":7,"
        + "\"resync\":true,\"config\":{\"x\":1},\"secrets\":[\"x\"],\"provenance\":{\"x\":{\"scope\":\"global\","
        + "\"key\":\"global/common/x\",\"revision\":3}}}"));
    assertThat(read.namespace()).contains("common");
    assertThat(read.revision()).isEqualTo(7);
    assertThat(read.resync()).isTrue();
    assertThat(read.secrets()).containsExactly("x");
    assertThat(read.provenance().orElseThrow())
        .isEqualTo(Map.of("x", new ConfigAnswer.Origin("global", "global/common/x", 3)));
  }

  @Test
  void configAnswerWithoutRevisionIsRefused() throws Exception {
    assertThatThrownBy(() -> ConfigAnswer.from(JSON.readTree("{\"config\":{}}")))
        .isInstanceOf(WireException.class).hasMessage("the server's answer has no config or revision");
  }

  @Test
  void agentReportNamesTheFieldThatIsMissingOrMistyped() throws Exception {
    assertThatThrownBy(() -> AgentReport.from(JSON.readTree("{\"revision\":1}")))
        .isInstanceOf(WireException.class).hasMessage("field 'namespace' is required");
    assertThatThrownBy(() -> AgentReport.from(JSON.readTree(
        "{\"namespace\":\"common\",\"revision\":-1,\"hash\":\"h\",\"status\":\"applied\"}")))
        .hasMessage("field 'revision' must be a revision number");
    assertThatThrownBy(() -> AgentReport.from(JSON.readTree(
        "{\"namespace\":\"common\",\"revision\":1,\"hash\":\"h\",\"status\":\"applied\",\"error\":5}")))
        .hasMessage("field 'error' must be a string");
  }

  @Test
  void agentReportRoundTrips() {
    AgentReport report = new AgentReport("common", 4, Optional.of(3L), "h", "rolled_back", Optional.of("boom"),
        Optional.of("1.0"));
    assertThat(report.toJson().toString()).isEqualTo("{\"namespace\":\"common\",\"revision\":4,\"runningRevision\":3,"
        + "\"hash\":\"h\",\"status\":\"rolled_back\",\"error\":\"boom\",\"agentVersion\":\"1.0\"}");
    assertThat(AgentReport.from(report.toJson())).isEqualTo(report);
  }

  @Test
  void storedReportWritesAbsentValuesAsNull() {
    StoredReport report = new StoredReport("common", 4, "h", "applied", Optional.empty(), "1.0",
        "2026-12-02T03:00:00.120Z", Optional.empty());
    assertThat(report.toJson().toString()).isEqualTo("{\"namespace\":\"common\",\"revision\":4,\"hash\":\"h\","
        + "\"status\":\"applied\",\"error\":null,\"agentVersion\":\"1.0\",\"time\":\"2026-12-02T03:00:00.120Z\","
        + "\"runningRevision\":null}");
    assertThat(StoredReport.from(report.toJson())).isEqualTo(report);
  }

  @Test
  void errorBodyIsReadOnlyWhenItHasAMessage() throws Exception {
    assertThat(ErrorBody.from(JSON.readTree("{\"message\":\"no\"}"))).contains(new ErrorBody("error", "no"));
    assertThat(ErrorBody.from(JSON.readTree("{\"error\":\"x\"}"))).isEmpty();
  }

  @Test
  void pathsEncodeEachSegmentWhole() {
    assertThat(Paths.deviceConfig("cam-1")).isEqualTo("/api/v1/devices/cam-1/config");
    assertThat(Paths.deviceConfig("a/b", "com mon")).isEqualTo("/api/v1/devices/a%2Fb/config/com%20mon");
    assertThat(Paths.deviceReports("cam-1")).isEqualTo("/api/v1/devices/cam-1/reports");
    assertThat(Paths.deviceCertificate("cam-1")).isEqualTo("/api/v1/devices/cam-1/certificate");
  }
}
