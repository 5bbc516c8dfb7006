package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SortedMap;

/**
 * How a repository lays out the fleet, by name: {@code fleetconf} ({@link Layout}, built in) or
 * another found through {@link ServiceLoader} ({@code ansible}, from fleetconf-ansible, which this
 * module cannot depend on: the Ansible module's tests run a server that follows repositories).
 */
public interface RepositoryLayout {
  /** fleetconf's own layout. */
  RepositoryLayout FLEETCONF = new RepositoryLayout() {
    @Override
    public String name() {
      return "fleetconf";
    }

    @Override
    public DesiredState read(String root, SortedMap<String, String> files, Unsealer unsealer) {
      return Layout.read(root, files, unsealer);
    }

    @Override
    public boolean reads(String root, String path) {
      return Layout.reads(root, path);
    }
  };

  /** The name {@code --git-format} and the agent's {@code git.format} give. */
  String name();

  /**
   * The desired state the files under {@code root} ("" for the repository's top) give, sealed
   * values opened with {@code unsealer}.
   *
   * @throws LayoutException naming the file that is refused, with the line when known
   */
  DesiredState read(String root, SortedMap<String, String> files, Unsealer unsealer);

  /**
   * Whether {@link #read} reads the file at {@code path} (a repository path) under {@code root}: one that is
   * not UTF-8 text is then refused rather than read with replacement characters. By default every file under it.
   */
  default boolean reads(String root, String path) {
    return root.isEmpty() || path.startsWith(root + "/");
  }

  /** The layout named {@code name}; the error lists the layouts there are. */
  static RepositoryLayout named(String name) {
    List<String> names = new ArrayList<>(List.of(FLEETCONF.name()));
    if (name.equals(FLEETCONF.name())) {
      return FLEETCONF;
    }
    for (RepositoryLayout layout : ServiceLoader.load(RepositoryLayout.class)) {
      if (layout.name().equals(name)) {
        return layout;
      }
      names.add(layout.name());
    }
    throw new InvalidInputException("invalid_git_format", "git format '" + name + "' must be one of "
        + String.join(", ", names));
  }
}
