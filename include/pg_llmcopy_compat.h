/*
 * pg_llmcopy_compat.h — what differs between the PostgreSQL major versions
 * pg_llmcopy supports (15, 17 and 18), in one place.
 *
 * The other files are written against the newest server's API; this header
 * supplies its names on older servers, so no other file tests
 * PG_VERSION_NUM.  It is included by pg_llmcopy.h right after postgres.h.
 */
#ifndef PG_LLMCOPY_COMPAT_H
#define PG_LLMCOPY_COMPAT_H

#if PG_VERSION_NUM < 150000
#error "pg_llmcopy needs PostgreSQL 15 or later"
#endif

/* VARSIZE and friends moved out of postgres.h into varatt.h in 16 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 18 replaced pg_attribute_noreturn() with pg_noreturn (C11 _Noreturn), which
 * must come first in a declaration; before 18 the GCC attribute stands there
 * as well.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * 16 folded the ACL checks of each catalog into object_aclcheck(); before,
 * a schema's (the only one pg_llmcopy asks for) was pg_namespace_aclcheck().
 * The caller includes utils/acl.h and catalog/pg_namespace.h.
 */
#if PG_VERSION_NUM < 160000
#define object_aclcheck(classid, objectid, roleid, mode) \
	(AssertMacro((classid) == NamespaceRelationId), pg_namespace_aclcheck((objectid), (roleid), (mode)))
#endif

/*
 * 18's module magic carries the library's name and version, which
 * pg_get_loaded_modules() reports: a server can then say which build of the
 * library it has loaded (the upgrade tests read it).
 */
#if PG_VERSION_NUM >= 180000
#define LLMCOPY_MODULE_MAGIC PG_MODULE_MAGIC_EXT(.name = "pg_llmcopy", .version = LLMCOPY_VERSION)
#else
#define LLMCOPY_MODULE_MAGIC PG_MODULE_MAGIC
#endif

#endif							/* PG_LLMCOPY_COMPAT_H */
