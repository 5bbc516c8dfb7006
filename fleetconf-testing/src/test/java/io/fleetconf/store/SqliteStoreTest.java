package io.fleetconf.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class SqliteStoreTest extends StoreContract {
  @Override
  Store open(Path dir) {
    return JdbcStore.openSqlite(dir.resolve("fleetconf.db"));
  }

  @Override
  protected boolean databaseBytesContain(Path dir, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (indexOf(Files.readAllBytes(file), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
