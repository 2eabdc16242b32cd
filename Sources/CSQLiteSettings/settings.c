#include <sqlite3.h>
#include "CSQLiteSettings.h"

int alertgate_sqlite3_config_memstatus(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled);
}
