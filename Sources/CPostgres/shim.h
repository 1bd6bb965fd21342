// libpq for Swift. libpq-fe.h has no function-like macros that the Postgres module needs,
// so the shim only pins the include path that Debian's libpq-dev uses.
#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H

#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif

#endif
