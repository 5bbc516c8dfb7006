package io.fleetconf.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventory sources beside INI and YAML files: scripts, and plugin configurations (refused), against real Ansible. */
class InventorySourcesTest {
  @TempDir Path dir;

  private Path script(String name, String python) throws Exception {
    Path script = Files.writeString(dir.resolve(name), "#!/usr/bin/env python3\nimport json, sys\n" + python);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static final String GROUPS = """
      groups = {
          "web": {"hosts": ["w1", "w2"], "vars": {"proxy": "http://proxy:3128", "opts": {"a": 1, "b": {"c": 2}}},
                  "children": ["canary"]},
          "canary": ["w2"],
          "db": {"hosts": ["d1"], "vars": {"port": 5432, "ratio": 1.10, "big": 12345678901234567890}},
          "all": {"vars": {"env": "prod", "nothing": None}},
      }
      hostvars = {
          "w1": {"proxy": None, "opts": {"a": None, "n": {"m": None}}, "unicode": "Grüße ✓", "list": [1, None, "x"]},
          "w2": {"tier": "canary"},
      }
      """;

  @Test
  void aScriptWithMetaHostvarsGivesEveryHostAnsiblesVariables() throws Exception {
    Path inventory = script("inventory.py", GROUPS + """
        if sys.argv[1] == "--list":
            groups["_meta"] = {"hostvars": hostvars}
            print(json.dumps(groups))
        else:
            sys.exit("--host must not be needed")
        """);
    InventoryAgainstAnsibleTest.assertEveryHostHasAnsiblesVariables(inventory, dir);
    assertEquals(List.of("w1", "w2", "d1"), Inventory.read(inventory, Decryptor.REFUSE).hosts());
  }

  @Test
  void aScriptWithoutMetaIsAskedForEachHost() throws Exception {
    Path inventory = script("inventory", GROUPS + """
        if sys.argv[1] == "--list":
            print(json.dumps(groups))
        else:
            print(json.dumps(hostvars.get(sys.argv[2], {})))
        """);
    InventoryAgainstAnsibleTest.assertEveryHostHasAnsiblesVariables(inventory, dir);
  }

  @Test
  void aScriptInADirectoryIsRunBesideTheOtherFiles() throws Exception {
    Path inventory = Files.createDirectory(dir.resolve("inventory"));
    Files.move(script("10-script", GROUPS + """
        groups["_meta"] = {"hostvars": hostvars}
        print(json.dumps(groups))
        """), inventory.resolve("10-script"));
    Files.writeString(inventory.resolve("20-static.yml"), "all:\n  children:\n    web:\n      hosts:\n        w3:\n"
        + "      vars:\n        tier: front\n");
    InventoryAgainstAnsibleTest.assertEveryHostHasAnsiblesVariables(inventory, dir);
  }

  @Test
  void aFailingScriptIsRefusedNamingItAndItsError() throws Exception {
    Path inventory = script("broken.py", "sys.exit('cannot reach the CMDB')\n");
    AnsibleException refused = assertThrows(AnsibleException.class, () -> Inventory.read(inventory, Decryptor.REFUSE));
    assertEquals("inventory script " + inventory + " --list failed (exit 1): cannot reach the CMDB", refused.getMessage());
    Path notJson = script("text.py", "print('web1')\n");
    AnsibleException garbled = assertThrows(AnsibleException.class, () -> Inventory.read(notJson, Decryptor.REFUSE));
    assertEquals(true, garbled.getMessage().startsWith("inventory script " + notJson + " --list printed no valid JSON: "),
        garbled.getMessage());
  }

  @Test
  void aPluginConfigurationIsRefusedByName() throws Exception {
    Files.writeString(dir.resolve("hosts.yml"), "all:\n  hosts:\n    w1:\n");
    Path constructed = Files.writeString(dir.resolve("constructed.yml"),
        "plugin: ansible.builtin.constructed\ngroups:\n  big: ansible_memtotal_mb > 4096\n");
    AnsibleException refused = assertThrows(AnsibleException.class, () -> Inventory.read(constructed, Decryptor.REFUSE));
    assertEquals(constructed + " configures the inventory plugin 'ansible.builtin.constructed', which fleetconf does not"
        + " run: its groups and variables are computed when Ansible runs. Import what it gives instead:"
        + " ansible-inventory -i " + constructed + " --list --yaml > static.yml, then import static.yml",
        refused.getMessage());
    assertThrows(AnsibleException.class, () -> Inventory.read(dir, Decryptor.REFUSE));
  }

  @Test
  void aTomlInventoryGivesEveryHostAnsiblesVariables() throws Exception {
    Path inventory = Files.writeString(dir.resolve("hosts.toml"), """
        [all.vars]
        env = "prod"
        ratio = 1.5
        when = "2024-01-31"

        [web]
        children = ["canary", "apache"]
        vars = { http_port = 8080, opts = { a = 1, b = [1, 2] } }

        [web.hosts]
        w1 = {}
        "w[2:3]" = { ansible_port = 222, tier = "front" }

        [canary.hosts]
        w3 = { canary = true, big = 9007199254740993 }

        [apache.vars]
        unicode = "Grüße ✓"

        [ungrouped.hosts]
        "lonely:2222" = {}
        """);
    InventoryAgainstAnsibleTest.assertEveryHostHasAnsiblesVariables(inventory, dir);
    assertEquals(List.of("w1", "w2", "w3", "lonely"), Inventory.read(inventory, Decryptor.REFUSE).hosts());
  }

  @Test
  void aTomlPluginConfigurationIsRefusedByName() throws Exception {
    Path inventory = Files.writeString(dir.resolve("cloud.toml"), "plugin = \"amazon.aws.aws_ec2\"\n");
    AnsibleException refused = assertThrows(AnsibleException.class, () -> Inventory.read(inventory, Decryptor.REFUSE));
    assertEquals(true, refused.getMessage().startsWith(inventory + " configures the inventory plugin 'amazon.aws.aws_ec2'"),
        refused.getMessage());
  }
}
