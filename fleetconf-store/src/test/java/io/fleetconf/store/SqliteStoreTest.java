package io.fleetconf.store;

import java.nio.file.Path;

class SqliteStoreTest extends StoreContract {
  @Override
  Store open(Path dir) {
    return JdbcStore.openSqlite(dir.resolve("fleetconf.db"));
  }
}
