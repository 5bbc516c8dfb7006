package io.fleetconf.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code GET /api/v1/whoami}: who the server takes the caller for. */
public sealed interface Whoami {
  ObjectNode toJson();

  /** An operator's token: its identity, token id and access rules. */
  record Operator(String name, String token, List<String> rules) implements Whoami {
    @Override
    public ObjectNode toJson() {
      ObjectNode out = Fields.JSON.objectNode().put("kind", "operator").put("name", name).put("token", token);
      ArrayNode list = out.putArray("rules");
      rules.forEach(list::add);
      return out;
    }
  }

  /** A device, known by its certificate or by its token. */
  record Device(String device, boolean byCertificate) implements Whoami {
    @Override
    public ObjectNode toJson() {
      return Fields.JSON.objectNode().put("kind", "device").put("device", device)
          .put("by", byCertificate ? "certificate" : "token");
    }
  }

  /** No credentials. */
  record Anonymous() implements Whoami {
    @Override
    public ObjectNode toJson() {
      return Fields.JSON.objectNode().put("kind", "anonymous");
    }
  }
}
