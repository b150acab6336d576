# pg_llmcopy — PGXS build.
#
#   make && make install          build and install into the server of pg_config
#   make installcheck             regression tests against $PGHOST/$PGPORT
#   make test                     everything, on a throwaway cluster (see README)
#   make prove                    the TAP suite (t/), on clusters of its own
#   make demo                     the sample job, on a throwaway cluster
#   make test-report              the sample job's HTML report, checked in headless Chromium

EXTENSION = pg_llmcopy
# the one place the version lives is pg_llmcopy.control
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = pg_llmcopy
OBJS = \
	src/pg_llmcopy.o \
	src/sketch.o \
	src/tokens.o \
	src/encoding.o \
	src/fingerprint.o \
	src/agg_state.o \
	src/fingerprint_agg.o \
	src/fingerprint_gin.o \
	src/index_support.o \
	src/equality.o \
	src/lsh_bands.o \
	src/spans.o \
	src/headline.o \
	src/minhash.o \
	src/minhash_gin.o \
	src/components.o \
	src/rarity.o \
	src/spdx.o \
	src/attribution.o \
	src/lc_tokenize.o \
	src/lc_winnow.o \
	src/lc_sets.o \
	src/lc_spans.o \
	src/lc_minhash.o \
	src/lc_spdx.o \
	src/lc_spdx_correct.o \
	src/lc_spdx_data.o \
	src/measures.o \
	src/lc_measures.o \
	src/fp_trigger.o \
	src/scan_locks.o

# the install script of every release, and the upgrade scripts between them
DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# one test a line, in the order they run
REGRESS = \
	tokens \
	fingerprint \
	operators \
	gin \
	guarantee \
	limits \
	spans \
	minhash \
	spdx \
	licenses \
	workflow \
	workflow_sessions \
	privileges \
	rarity \
	headline \
	report \
	aggregates \
	workflow_scale \
	parallel \
	equality \
	bands \
	planner \
	redteam_install_schema \
	redteam_upgrade_view \
	redteam_report_relation \
	redteam_runtime_schema \
	redteam_bad_output \
	redteam_poison_work \
	redteam_advisory_lock \
	redteam_admin_scope \
	redteam_report_xss \
	redteam_duplicate_id \
	redteam_broken_registration \
	redteam_license_blowup \
	cancel \
	measures \
	code_modes \
	redteam_lock_check \
	redteam_fill_owner \
	online_trigger \
	scan_unregister \
	redteam_name_reuse \
	redteam_foreign_owner_oid \
	redteam_plan_time \
	redteam_row_security \
	sketch_memo
REGRESS_OPTS = --inputdir=. --outputdir=. --load-extension=$(EXTENSION) --encoding=UTF8 --no-locale

ICU_CFLAGS := $(shell pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
ICU_LIBS := $(shell pkg-config --libs icu-uc icu-i18n 2>/dev/null || echo -licui18n -licuuc -licudata)

PG_CPPFLAGS = -I$(srcdir)/include $(ICU_CFLAGS) -DLLMCOPY_VERSION=\"$(EXTVERSION)\"
PG_CFLAGS = -std=gnu11 $(EXTRA_CFLAGS)
SHLIB_LINK = $(ICU_LIBS)

EXTRA_CLEAN = src/test/test_core src/test/test_spdx src/test/test_measures src/test/fuzz_core fuzz-corpus results regression.diffs regression.out tmp_check

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
endif

# every object depends on the headers (PGXS tracks no header dependencies)
$(OBJS): $(wildcard include/*.h)

# Unit tests of the pure-C core, outside the server.
CORE_SRCS = src/lc_tokenize.c src/lc_winnow.c src/lc_sets.c src/lc_spans.c src/lc_minhash.c
src/test/test_core: src/test/test_core.c src/test/unit.h $(CORE_SRCS) $(wildcard include/*.h)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra $(EXTRA_CFLAGS) -Iinclude $(ICU_CFLAGS) \
	    -o $@ src/test/test_core.c $(CORE_SRCS) $(ICU_LIBS)

# Unit tests of the SPDX core: memory, ticks, the expansion against a plain one.
SPDX_SRCS = src/lc_spdx.c src/lc_spdx_correct.c src/lc_spdx_data.c
src/test/test_spdx: src/test/test_spdx.c src/test/unit.h $(SPDX_SRCS) include/lc_spdx.h
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra $(EXTRA_CFLAGS) -Iinclude -o $@ src/test/test_spdx.c $(SPDX_SRCS)

# Unit tests of the unit and word sets (lc_measures.c) over the tokenizer.
MEASURES_SRCS = src/lc_measures.c $(CORE_SRCS)
src/test/test_measures: src/test/test_measures.c src/test/unit.h $(MEASURES_SRCS) $(wildcard include/*.h)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra $(EXTRA_CFLAGS) -Iinclude $(ICU_CFLAGS) \
	    -o $@ src/test/test_measures.c $(MEASURES_SRCS) $(ICU_LIBS)

unitcheck: src/test/test_core src/test/test_spdx src/test/test_measures
	src/test/test_spdx
	src/test/test_measures
	src/test/test_core data/samples/*.txt data/samples/*.js

# libFuzzer + ASan/UBSan over the core (clang-14, libclang-rt-14-dev); not part
# of `make test`, run by CI for FUZZ_SECONDS.  Memory is limited: an input of
# at most 4 KB that makes the core use more than FUZZ_RSS_MB (or allocate
# more than a quarter of it at once) is a finding.
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 1024
src/test/fuzz_core: src/test/fuzz_core.c $(MEASURES_SRCS) src/lc_spdx.c src/lc_spdx_correct.c src/lc_spdx_data.c $(wildcard include/*.h)
	clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude $(ICU_CFLAGS) -o $@ \
	    src/test/fuzz_core.c $(MEASURES_SRCS) src/lc_spdx.c src/lc_spdx_correct.c src/lc_spdx_data.c $(ICU_LIBS)

fuzz: src/test/fuzz_core
	mkdir -p fuzz-corpus && cp data/samples/* fuzz-corpus/
	printf '%s' 'mit and (apache-2.0 or GPL-2.0+ WITH Classpath-exception-2.0)|GPL-3.0-only' > fuzz-corpus/spdx-1
	printf '%s' 'GPL-2.0-with-classpath-exception OR LicenseRef-x AND (MIT OR ISC)|MIT' > fuzz-corpus/spdx-2
	printf '%s' 'Apache 2.0 / MIT, BSD-3-clause and GPL-2+' > fuzz-corpus/spdx-3
	# found by the fuzzer: a code token that normalizes to nothing (U+061C)
	printf '\000\000\000\030\330\234\221\215i@\000aand GPL-nd GPL-2+' > fuzz-corpus/empty-token
	src/test/fuzz_core -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$$(($(FUZZ_RSS_MB) / 4)) fuzz-corpus

test:
	bash .ci/test

# The TAP suite (t/, PostgreSQL::Test::Cluster): crash recovery, concurrent
# sessions, cancel timing, a value at the 1 GB limit, a hot standby.  Not part
# of `make test`.
prove:
	bash .ci/prove

# a fresh install of this version against every earlier release updated to it
test-upgrade:
	bash .ci/upgrade

demo:
	bash .ci/demo

# a scan killed with SIGKILL mid-batch, on its own cluster (pg_regress cannot survive the restart)
test-crash:
	bash test/redteam/crash.sh

# The regression tests under Valgrind's memcheck, on a PostgreSQL 15 built for
# it once per machine (build/pg15vg); VALGRIND_TESTS=all, or test names, for
# other tests than the default set of .ci/valgrind
test-valgrind:
	bash .ci/valgrind

# the HTML reports rendered in headless Chromium and checked as a reader sees them
test-report:
	bash test/report/run

# The suites on each supported major version, each in a build tree of its own
# (build/pgNN); servers other than Debian's 15 are built once per machine.
PG_MAJORS = 15 17 18
$(addprefix test-pg,$(PG_MAJORS)): test-pg%:
	bash .ci/version $* test
$(addprefix test-upgrade-pg,$(PG_MAJORS)): test-upgrade-pg%:
	bash .ci/version $* upgrade

# a PostgreSQL 15 cluster with pg_llmcopy data upgraded by pg_upgrade to 17 and 18
test-pgupgrade:
	bash .ci/pgupgrade

# The source distribution for PGXN (zip) and as an upstream tarball, from a
# commit (HEAD unless DIST_REF says otherwise), into dist/.
DISTNAME = $(EXTENSION)-$(EXTVERSION)
DIST_REF ?= HEAD
dist:
	mkdir -p dist
	git archive --format=zip --prefix=$(DISTNAME)/ -o dist/$(DISTNAME).zip $(DIST_REF)
	git archive --format=tar.gz --prefix=$(DISTNAME)/ -o dist/$(DISTNAME).tar.gz $(DIST_REF)

# META.json against the PGXN Meta Spec, then the tarball built, installed and
# tested from a clean folder
test-dist:
	bash .ci/dist

# the Debian package built, installed with apt and tested (as root)
test-package:
	bash .ci/package

.PHONY: unitcheck fuzz test prove test-upgrade test-report test-crash test-valgrind test-pgupgrade test-citus test-fdw demo dist test-dist test-package $(addprefix test-pg,$(PG_MAJORS)) $(addprefix test-upgrade-pg,$(PG_MAJORS))
# on Citus (a coordinator and two workers) and on postgres_fdw shards,
# against a single node with the same data (README, Scaling out)
test-citus:
	bash .ci/citus

test-fdw:
	bash .ci/fdw

