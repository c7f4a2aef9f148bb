# manualgen -- see README.md. `make` builds ./manualgen; `make demo` and
# `make check` first install any missing Debian packages (scripts/deps).

PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR  = $(PREFIX)/share/manualgen

PKGS    = libxml-2.0 libxslt libexslt libcmark-gfm yaml-0.1 libxxhash libqrencode fontconfig \
          libmicrohttpd
CC     ?= cc
CFLAGS ?= -O2 -g
WARN    = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
CPPFLAGS += $(shell pkg-config --cflags $(PKGS)) -DMG_DATADIR='"$(DATADIR)"'
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lcmark-gfm-extensions \
           -lcmark-gfm -lpthread

SRCS = $(filter-out generator/main.c,$(wildcard generator/*.c))
OBJS = $(SRCS:generator/%.c=build/obj/%.o)
HDRS = generator/manualgen.h

.PHONY: all demo check test unit deps install uninstall clean bench asan tsan lint format unit-tests fuzz

all: manualgen

# The program allocates and frees a tree a hall: mimalloc takes a quarter
# off a build's CPU time against glibc's malloc (jemalloc a little less:
# README, "Libraries, and why"). The sanitizer builds keep their own.
MALLOC_LIB = -lmimalloc

manualgen: build/obj/main.o $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(MALLOC_LIB)

build/obj/%.o: generator/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The same program under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
build/asan/%.o: generator/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -c -o $@ $<
build/asan/manualgen: build/asan/main.o $(SRCS:generator/%.c=build/asan/%.o)
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)
asan: build/asan/manualgen

# The same under ThreadSanitizer (which cannot be combined with ASan): the
# tests run a parallel build and an interrupted one with it.
TSAN = -fsanitize=thread -fno-omit-frame-pointer
build/tsan/%.o: generator/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(TSAN) $(CPPFLAGS) -c -o $@ $<
build/tsan/manualgen: build/tsan/main.o $(SRCS:generator/%.c=build/tsan/%.o)
	$(CC) $(TSAN) -o $@ $^ $(LDLIBS)
tsan: build/tsan/manualgen

deps:
	@scripts/deps build

demo: deps
	$(MAKE) manualgen
	./manualgen build
	@echo
	@echo "Open output/index.html in a browser (file:// works)."

check:
	@scripts/deps test
	$(MAKE) manualgen build/asan/manualgen build/tsan/manualgen unit-tests
	$(MAKE) -s lint
	tests/run

install: manualgen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 manualgen $(DESTDIR)$(PREFIX)/bin/manualgen
	cp -R templates $(DESTDIR)$(DATADIR)/
	cp -R print $(DESTDIR)$(DATADIR)/
	install -m 644 docs/manualgen.1 $(DESTDIR)$(PREFIX)/share/man/man1/manualgen.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/manualgen $(DESTDIR)$(PREFIX)/share/man/man1/manualgen.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build manualgen output

# ---------------------------------------------------------------- unit tests
# cmocka unit tests: tests/unit/test_<name>.c -> build/tests/test_<name>,
# linked with the generator objects (not main.o), and the same under the
# sanitizers -> build/asan/tests/test_<name>. Run each binary; it exits
# non-zero when a test fails.
UNIT_SRCS  = $(wildcard tests/unit/test_*.c)
UNIT_HDRS  = $(HDRS) $(wildcard tests/unit/*.h)
UNIT_BINS  = $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
UNIT_ASAN  = $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
ASAN_OBJS  = $(SRCS:generator/%.c=build/asan/%.o)
UNIT_CPPFLAGS = -Igenerator -DTEMPLATES_DIR='"$(CURDIR)/templates"' \
                -DFIXTURE_DIR='"$(CURDIR)/tests/fixtures/basic"' \
                -DPRINT_DIR='"$(CURDIR)/print"'
UNIT_LIBS  = -lcmocka $(LDLIBS)

.PHONY: unit-tests fuzz
unit-tests: $(UNIT_BINS) $(UNIT_ASAN)

build/tests/test_%: tests/unit/test_%.c $(OBJS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(UNIT_CPPFLAGS) $(LDFLAGS) -o $@ $< $(OBJS) $(UNIT_LIBS)

build/asan/tests/test_%: tests/unit/test_%.c $(ASAN_OBJS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(UNIT_CPPFLAGS) -o $@ $< $(ASAN_OBJS) $(UNIT_LIBS)

# Figures for the README (bench/run): the corpus of issue 10 built by
# manualgen, Hugo and pandoc; N=1000 stores cloned from the samples; PDFs.
bench:
	@scripts/deps bench
	$(MAKE) manualgen
	bench/run $(or $(N),1000)

# The developer's habits (README, "Tests"): static analysis and formatting.
lint:
	cppcheck --enable=warning,portability --std=c11 --quiet --error-exitcode=1 --inline-suppr \
	  --suppress=missingIncludeSystem -I generator generator/*.c tests/unit/*.c fuzz/*.c
	clang-format --dry-run --Werror generator/*.c generator/*.h tests/unit/*.c tests/unit/*.h \
	  fuzz/*.c fuzz/*.h

format:
	clang-format -i generator/*.c generator/*.h tests/unit/*.c tests/unit/*.h fuzz/*.c fuzz/*.h

# ------------------------------------------------------------------ fuzzing
# One libFuzzer harness per front end, fuzz/fuzz_<name>.c, each with its
# corpus fuzz/corpus/<name>/ (realistic seeds, and the reproducers of every
# crash found: keep them) and an optional dictionary fuzz/<name>.dict.
#
#   make fuzz [SECONDS=60] [FUZZ="expr params"] [FUZZFLAGS=...]
#       builds the harnesses with clang (libFuzzer, ASan, UBSan) and runs
#       each for SECONDS on its corpus; new inputs go into the corpus, a
#       crash into build/fuzz/artifacts/. Fails when a harness crashed.
#   make fuzz-prune [FUZZ=...]
#       shrinks a corpus that grew past ~1000 files (fuzz/run --prune).
#   make fuzz-coverage
#       replays every corpus with clang's source-based coverage and prints
#       the line coverage of each generator file (llvm-profdata-14 and
#       llvm-cov-14, Debian llvm-14).
#   make fuzz-replay (part of unit-tests)
#       build/asan/fuzz/replay_<name>: the harnesses with gcc's ASan and
#       UBSan and fuzz/replay.c, which tests/run uses to replay the corpora.
FUZZ_ALL  = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ     ?= $(FUZZ_ALL)
FUZZ_DEFS = -DFIXTURE='"$(CURDIR)/tests/fixtures/basic"' \
            -DTEMPLATES='"$(CURDIR)/templates"'
FUZZ_HDRS = $(HDRS) fuzz/fuzz.h
# the largest input libFuzzer makes, per harness (seeds are cut to it
# while fuzzing; the replay runs them whole)
FUZZ_MAXLEN_section     = 4096
FUZZ_MAXLEN_frontmatter = 4096
FUZZ_MAXLEN_expr        = 4096
FUZZ_MAXLEN_outline     = 8192
FUZZ_MAXLEN_params      = 8192
FUZZ_MAXLEN_model       = 16384
FUZZ_MAXLEN_manifest    = 4096
FUZZ_MAXLEN_cli         = 1024
FUZZ_OPTS = -max_total_time=$(or $(SECONDS),60) -print_final_stats=1 \
            -timeout=25 -rss_limit_mb=4096 $(FUZZFLAGS)

FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
fuzz-deps:
	@scripts/deps fuzz
build/fuzz/obj/%.o: generator/%.c $(HDRS) | fuzz-deps
	@mkdir -p $(@D)
	clang -std=c11 -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(CPPFLAGS) -c -o $@ $<
build/fuzz/fuzz_%: fuzz/fuzz_%.c $(SRCS:generator/%.c=build/fuzz/obj/%.o) $(FUZZ_HDRS)
	clang -std=c11 -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) $(CPPFLAGS) $(FUZZ_DEFS) \
	  -o $@ $< $(filter %.o,$^) $(LDLIBS)
fuzz: $(FUZZ:%=build/fuzz/fuzz_%)
	@failed=; $(foreach h,$(FUZZ),echo "== fuzz $(h): $(or $(SECONDS),60) s on fuzz/corpus/$(h)"; \
	  fuzz/run $(h) $(FUZZ_OPTS) -max_len=$(FUZZ_MAXLEN_$(h)) || failed="$$failed $(h)";) \
	echo; fuzz/run --summary $(FUZZ); \
	if [ -n "$$failed" ]; then echo "== fuzz: failed:$$failed (see build/fuzz/*.log)"; exit 1; fi
# Shrinks a corpus that grew past ~1000 files: keeps the seeds and
# reproducers, and of libFuzzer's finds only those that add coverage.
fuzz-prune: $(FUZZ:%=build/fuzz/fuzz_%)
	@$(foreach h,$(FUZZ),fuzz/run --prune $(h) -max_len=$(FUZZ_MAXLEN_$(h)) -timeout=25;)

COV_FLAGS = -fprofile-instr-generate -fcoverage-mapping -mllvm -runtime-counter-relocation
build/fuzz-cov/obj/%.o: generator/%.c $(HDRS) | fuzz-deps
	@mkdir -p $(@D)
	clang -std=c11 -g -O0 $(COV_FLAGS) $(CPPFLAGS) -c -o $@ $<
build/fuzz-cov/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(SRCS:generator/%.c=build/fuzz-cov/obj/%.o) $(FUZZ_HDRS)
	clang -std=c11 -g -O0 $(COV_FLAGS) $(CPPFLAGS) $(FUZZ_DEFS) \
	  -o $@ $< fuzz/replay.c $(filter %.o,$^) $(LDLIBS)
fuzz-coverage: $(FUZZ_ALL:%=build/fuzz-cov/replay_%)
	@rm -rf build/fuzz-cov/prof && mkdir -p build/fuzz-cov/prof
	@$(foreach h,$(FUZZ_ALL),echo "== replay $(h)"; \
	  LLVM_PROFILE_FILE=build/fuzz-cov/prof/$(h)-%c%p.profraw \
	  build/fuzz-cov/replay_$(h) --fork --timeout=120 fuzz/corpus/$(h) 2>&1 | grep "^replay:";)
	@llvm-profdata-14 merge -sparse -o build/fuzz-cov/all.profdata build/fuzz-cov/prof/*.profraw
	@llvm-cov-14 report -instr-profile=build/fuzz-cov/all.profdata \
	  -show-region-summary=false -show-branch-summary=false \
	  -show-instantiation-summary=false \
	  $(firstword $(FUZZ_ALL:%=build/fuzz-cov/replay_%)) \
	  $(patsubst %,-object %,$(wordlist 2,99,$(FUZZ_ALL:%=build/fuzz-cov/replay_%))) \
	  $(SRCS)

build/asan/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(ASAN_OBJS) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(FUZZ_DEFS) \
	  -o $@ $< fuzz/replay.c $(ASAN_OBJS) $(LDLIBS)
fuzz-replay: $(FUZZ_ALL:%=build/asan/fuzz/replay_%)
unit-tests: fuzz-replay

.SECONDARY: $(SRCS:generator/%.c=build/fuzz/obj/%.o) \
            $(SRCS:generator/%.c=build/fuzz-cov/obj/%.o)

.PHONY: fuzz fuzz-deps fuzz-prune fuzz-coverage fuzz-replay
