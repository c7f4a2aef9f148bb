# manualgen -- see README.md. `make` builds ./manualgen; `make demo` and
# `make check` first install any missing Debian packages (scripts/deps).

PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR  = $(PREFIX)/share/manualgen

PKGS    = libxml-2.0 libxslt libexslt libcmark-gfm yaml-0.1 libxxhash
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

manualgen: build/obj/main.o $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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
	@echo "Open output/draft/index.html in a browser (file:// works)."

check:
	@scripts/deps test
	$(MAKE) manualgen build/asan/manualgen build/tsan/manualgen unit-tests
	$(MAKE) -s lint
	tests/run

install: manualgen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 manualgen $(DESTDIR)$(PREFIX)/bin/manualgen
	cp -R templates $(DESTDIR)$(DATADIR)/
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
UNIT_CPPFLAGS = -Igenerator -DTEMPLATES_DIR='"$(CURDIR)/templates"'
UNIT_LIBS  = -lcmocka $(LDLIBS)

.PHONY: unit-tests fuzz
unit-tests: $(UNIT_BINS) $(UNIT_ASAN)

build/tests/test_%: tests/unit/test_%.c $(OBJS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(UNIT_CPPFLAGS) $(LDFLAGS) -o $@ $< $(OBJS) $(UNIT_LIBS)

build/asan/tests/test_%: tests/unit/test_%.c $(ASAN_OBJS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(UNIT_CPPFLAGS) -o $@ $< $(ASAN_OBJS) $(UNIT_LIBS)

# Figures for the README: N=1000 stores cloned from the samples.
bench: manualgen
	bench/run $(or $(N),1000)

# The developer's habits (README, "Tests"): static analysis and formatting.
lint:
	cppcheck --enable=warning,portability --std=c11 --quiet --error-exitcode=1 --inline-suppr \
	  --suppress=missingIncludeSystem -I generator generator/*.c tests/unit/*.c
	clang-format --dry-run --Werror generator/*.c generator/*.h tests/unit/*.c tests/unit/*.h

format:
	clang-format -i generator/*.c generator/*.h tests/unit/*.c

# libFuzzer harness for the Markdown front end (needs clang).
FUZZSRCS = $(filter-out generator/main.c,$(wildcard generator/*.c)) fuzz/fuzz_section.c
build/fuzz/fuzz_section: $(FUZZSRCS) $(HDRS)
	@mkdir -p $(@D)
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) \
	  -DFIXTURE='"tests/fixtures/basic"' -DTEMPLATES='"templates"' \
	  -o $@ $(FUZZSRCS) $(LDLIBS)
fuzz: build/fuzz/fuzz_section
	build/fuzz/fuzz_section fuzz/corpus -max_total_time=$(or $(SECONDS),60) -max_len=4096
