// libpq's declarations only: PostgresStore loads the library itself (dlopen) the first time a
// PostgreSQL connection is wanted, so the server does not link it. The header comes from Debian's
// libpq-dev, in its own folder; libpq-fe.h finds postgres_ext.h beside itself.
#include <postgresql/libpq-fe.h>
