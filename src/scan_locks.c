/*
 * scan_locks.c — the locks a read of a table takes, taken without waiting.
 *
 * A nightly scan reads tables of many owners.  One owner holding a lock on
 * her table (LOCK TABLE, an ALTER TABLE or REINDEX left open) would make
 * the whole call wait for her.  Before it reads a table it was not told to
 * wait for, the scan takes here every lock that reading it takes: ACCESS
 * SHARE on the table, its partitions, their TOAST tables and all their
 * indexes (the planner opens every index of a table it plans a read of).
 * Held to the end of the transaction, as a read's are, they leave the
 * batch's statements nothing to wait for on that table.
 */
#include "pg_llmcopy.h"

#include "access/relation.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

/*
 * ACCESS SHARE on the indexes of relid (whose own lock is held) and on its
 * TOAST table and that table's indexes: false when another session holds a
 * lock that conflicts with one of them.
 */
static bool
lock_indexes_nowait(Oid relid)
{
	Relation	rel;
	List	   *indexes;
	Oid			toast;
	ListCell   *lc;
	bool		ok = true;

	rel = try_relation_open(relid, NoLock);
	if (rel == NULL)
		return true;			/* dropped: the checks after the lock say so */
	indexes = RelationGetIndexList(rel);
	toast = rel->rd_rel->reltoastrelid;
	relation_close(rel, NoLock);

	foreach(lc, indexes)
	{
		if (!ConditionalLockRelationOid(lfirst_oid(lc), AccessShareLock))
		{
			ok = false;
			break;
		}
	}
	list_free(indexes);
	if (ok && OidIsValid(toast))
		ok = ConditionalLockRelationOid(toast, AccessShareLock) && lock_indexes_nowait(toast);
	return ok;
}

PG_FUNCTION_INFO_V1(llmcopy_lock_nowait);

/*
 * llmcopy_lock_nowait(tbl regclass) → bool: true when every lock a read
 * of tbl takes is held, false when another session holds one that
 * conflicts (the locks had so far are kept: the caller's transaction
 * ends soon, having read nothing); NULL, having taken nothing, when the
 * table does not exist or the current role may not read it (USAGE on its
 * schema and SELECT on it, which LOCK TABLE ... IN ACCESS SHARE MODE needs
 * too): the caller's own checks then say why.
 */
Datum
llmcopy_lock_nowait(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	bool		missing = false;
	List	   *rels;
	ListCell   *lc;
	Oid			nsp;

	if (pg_class_aclcheck_ext(relid, GetUserId(), ACL_SELECT, &missing) != ACLCHECK_OK)
		PG_RETURN_NULL();
	nsp = get_rel_namespace(relid);
	if (!OidIsValid(nsp) || object_aclcheck(NamespaceRelationId, nsp, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
		PG_RETURN_NULL();
	if (!ConditionalLockRelationOid(relid, AccessShareLock))
		PG_RETURN_BOOL(false);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
	{
		UnlockRelationOid(relid, AccessShareLock);
		PG_RETURN_NULL();		/* dropped while it was locked */
	}

	/* the table first in the list, then its partitions at every level */
	rels = find_all_inheritors(relid, NoLock, NULL);
	foreach(lc, rels)
	{
		Oid			rel = lfirst_oid(lc);

		CHECK_FOR_INTERRUPTS();
		if ((rel != relid && !ConditionalLockRelationOid(rel, AccessShareLock))
			|| !lock_indexes_nowait(rel))
			PG_RETURN_BOOL(false);
	}
	list_free(rels);
	PG_RETURN_BOOL(true);
}
