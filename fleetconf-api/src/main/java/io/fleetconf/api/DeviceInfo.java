package io.fleetconf.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A device of the registry: its id, the groups it is in, and its labels (written in the map's order). */
public record DeviceInfo(String id, List<String> groups, Map<String, String> labels) {

  public ObjectNode toJson() {
    ObjectNode out = Fields.JSON.objectNode();
    out.put("id", id);
    ArrayNode list = out.putArray("groups");
    groups.forEach(list::add);
    ObjectNode map = out.putObject("labels");
    labels.forEach(map::put);
    return out;
  }

  public static DeviceInfo from(JsonNode body) {
    Map<String, String> labels = new LinkedHashMap<>();
    body.path("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
    return new DeviceInfo(body.path("id").asText(), Fields.texts(body, "groups"), labels);
  }
}
