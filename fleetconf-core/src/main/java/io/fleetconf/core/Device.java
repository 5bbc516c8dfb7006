package io.fleetconf.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registered device: its ordered groups (a later group outranks an earlier one) and free-form
 * labels.
 */
public record Device(DeviceId id, List<GroupName> groups, Map<String, String> labels) {
  public Device {
    groups = List.copyOf(groups);
    if (groups.stream().distinct().count() != groups.size()) {
      throw new InvalidInputException("invalid_group", "device '" + id + "' lists a group twice: "
          + Excerpt.of(groups.toString()));
    }
    labels = Map.copyOf(labels);
  }

  /** The scopes this device's config is merged from, lowest precedence first. */
  public List<Scope> scopes() {
    List<Scope> scopes = new ArrayList<>(groups.size() + 3);
    scopes.add(Scope.DEFAULTS);
    scopes.add(Scope.GLOBAL);
    groups.forEach(group -> scopes.add(new Scope.Group(group)));
    scopes.add(new Scope.Device(id));
    return scopes;
  }

  public Device withGroups(List<GroupName> newGroups) {
    return new Device(id, newGroups, labels);
  }

  public Device withLabels(Map<String, String> newLabels) {
    return new Device(id, groups, newLabels);
  }

  /** Labels in name order, for stable output. */
  public Map<String, String> sortedLabels() {
    return new TreeMap<>(labels);
  }
}
