# warroom: terminal incident console.  `make` builds build/warroom and build/warroom-sim.
# Sources are picked up by directory, so a new module needs no Makefile edit:
#   warroom     core/ kube/ ssh/ panels/ keymaps/ tui/   (tui/main.c holds main)
#   warroom-sim sim/ (sim/main.c holds main) + core/xalloc.c only: the simulator is an
#               oracle and shares no logic with the program it checks.
#   unit tests  tests/unit/test_sim_*.c link the simulator library, every other
#               tests/unit/test_*.c links the warroom library; both get cmocka.

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
PKGS      = ncursesw libcurl jansson libssh2 yaml-0.1
# libcurl and libssh2 are compiled against (their headers) but not linked: warroom loads
# them with dlopen when first used (kube/curl_lazy.c, ssh/ssh2_lazy.c), so a start that
# needs neither does not map them (~10 ms).  Unit tests link the same way.  dlopen is in
# glibc's libc since 2.34; older systems need EXTRA_LDFLAGS=-ldl.
LINK_PKGS = ncursesw jansson yaml-0.1
SIM_PKGS  = libmicrohttpd jansson yaml-0.1
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT      ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -I. $(EXTRA_CFLAGS)
LDFLAGS_ALL = $(EXTRA_LDFLAGS)

PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
SIM_CFLAGS   = $(shell pkg-config --cflags $(SIM_PKGS) 2>/dev/null)
SIM_LIBS     = $(shell pkg-config --libs $(SIM_PKGS) 2>/dev/null) -lpthread -lm
CMOCKA_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)

WR_DIRS   = core kube ssh panels keymaps tui
WR_SRCS   = $(foreach d,$(WR_DIRS),$(wildcard $(d)/*.c))
WR_MAIN   = tui/main.c
WR_LIBSRC = $(filter-out $(WR_MAIN),$(WR_SRCS))
SIM_SRCS  = $(wildcard sim/*.c)
SIM_MAIN  = sim/main.c
SIM_LIBSRC = $(filter-out $(SIM_MAIN),$(SIM_SRCS)) core/xalloc.c

WR_OBJS   = $(patsubst %.c,$(BUILD)/obj/%.o,$(WR_LIBSRC))
SIM_OBJS  = $(patsubst %.c,$(BUILD)/simobj/%.o,$(SIM_LIBSRC))
KEYMAP_C  = $(BUILD)/gen/default_keymap.c

UNIT_SRCS     = $(wildcard tests/unit/test_*.c)
UNIT_SIM_SRCS = $(filter tests/unit/test_sim_%,$(UNIT_SRCS))
UNIT_WR_SRCS  = $(filter-out tests/unit/test_sim_%,$(UNIT_SRCS))
UNIT_BINS     = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all deps demo check check-unit check-asan install uninstall clean distclean bench bench-soak fuzz
all: $(BUILD)/warroom $(BUILD)/warroom-sim

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/simobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

# The default keymap is compiled in and parsed by the same parser as a user's file.
$(KEYMAP_C): keymaps/default.keymap scripts/embed.sh
	@mkdir -p $(dir $@)
	scripts/embed.sh keymap_default_text $< > $@

$(BUILD)/obj/gen/default_keymap.o: $(KEYMAP_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libwarroom.a: $(WR_OBJS) $(BUILD)/obj/gen/default_keymap.o
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libsim.a: $(SIM_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/warroom: $(BUILD)/obj/tui/main.o $(BUILD)/libwarroom.a
	$(CC) $(OPT) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/warroom-sim: $(BUILD)/simobj/sim/main.o $(BUILD)/libsim.a
	$(CC) $(OPT) $(LDFLAGS_ALL) -o $@ $^ $(SIM_LIBS)

$(BUILD)/tests/test_sim_%: tests/unit/test_sim_%.c $(BUILD)/libsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes $(SIM_CFLAGS) -o $@ $< $(BUILD)/libsim.a $(SIM_LIBS) $(CMOCKA_LIBS) $(LDFLAGS_ALL)

# tests/unit/fixture.h: the shared fixture reader (static inline, nothing to link).
$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/fixture.h $(BUILD)/libwarroom.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes $(PKG_CFLAGS) -o $@ $< $(BUILD)/libwarroom.a $(PKG_LIBS) -lm $(CMOCKA_LIBS) $(LDFLAGS_ALL)

tests: $(UNIT_BINS)

demo: deps all
	@scripts/demo.sh

# Every suite (unit, simulator+kubectl integration, tmux end-to-end), every fuzzer for
# CHECK_FUZZ_TIME seconds, then the ASan+UBSan build over CHECK_ASAN_SUITES (unit and
# integration by default, to keep `make check` under 30 minutes on 2 cores; `make
# check-asan` runs every suite).  The last line is the total, "total: N passed, N failed",
# and the exit status is non-zero on any failure.
CHECK_FUZZ_TIME   ?= 15
CHECK_ASAN_SUITES ?= unit integration
ASAN_MAKE = $(MAKE) --no-print-directory BUILD=build-asan CC=clang \
	OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	EXTRA_LDFLAGS="-fsanitize=address,undefined"
check: deps all tests fuzz-build
	@rm -f $(BUILD)/check-counts
	@BUILD=$(BUILD) FUZZ_TIME=$(CHECK_FUZZ_TIME) TESTS_COUNTS=$(CURDIR)/$(BUILD)/check-counts \
	  tests/run unit integration e2e fuzz || true
	@$(ASAN_MAKE) all tests || echo "0 1" >>$(BUILD)/check-counts
	@BUILD=build-asan WARROOM_SANITIZER=asan ASAN_OPTIONS=detect_leaks=1 \
	  TESTS_COUNTS=$(CURDIR)/$(BUILD)/check-counts tests/run $(CHECK_ASAN_SUITES) || true
	@awk '{p += $$1; f += $$2} END {printf "total: %d passed, %d failed\n", p, f; exit f > 0}' \
	  $(BUILD)/check-counts

check-unit: all tests
	@BUILD=$(BUILD) tests/run unit

# The same suites in an AddressSanitizer + UndefinedBehaviorSanitizer build.
check-asan: deps
	$(ASAN_MAKE) all tests
	@BUILD=build-asan WARROOM_SANITIZER=asan ASAN_OPTIONS=detect_leaks=1 tests/run $(ASAN_SUITES)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 $(BUILD)/warroom $(BUILD)/warroom-sim $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/warroom.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 man/warroom.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -d $(DESTDIR)$(PREFIX)/share/warroom/runbooks
	install -m 0644 runbooks/*.yaml $(DESTDIR)$(PREFIX)/share/warroom/runbooks/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 completions/warroom.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/warroom

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/warroom $(DESTDIR)$(PREFIX)/bin/warroom-sim \
	  $(DESTDIR)$(PREFIX)/share/man/man1/warroom.1 $(DESTDIR)$(PREFIX)/share/man/man5/warroom.5 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/warroom
	rm -rf $(DESTDIR)$(PREFIX)/share/warroom/runbooks

# Issue 10's seven benchmarks side by side with kubectl and parallel-ssh (bench/run; about
# 9 minutes on 2 cores), written to bench/results.md.  bench-soak: the 10-minute --watch soak.
bench: all
	@scripts/deps.sh bench
	@BUILD=$(BUILD) bench/run

bench-soak: all
	@BUILD=$(BUILD) bench/soak_watch.sh

# libFuzzer targets for the parsers of outside input (tests/fuzz/fuzz_*.c), each run for
# FUZZ_TIME seconds from its seed corpus in tests/fuzz/corpus/NAME/.
FUZZ_TIME ?= 60
FUZZ_CC    = clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BIN   = $(BUILD)/fuzz
FUZZ_DECODE = kube/decode.c kube/decode_json.c kube/decode_objects.c kube/podstatus.c core/model.c core/model_objects.c core/utf8.c core/xalloc.c
fuzz-build:
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) tests/fuzz/fuzz_text.c tui/text.c core/utf8.c -o $(FUZZ_BIN)/fuzz_text
	$(FUZZ_CC) tests/fuzz/fuzz_podstatus.c kube/podstatus.c $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_podstatus
	$(FUZZ_CC) tests/fuzz/fuzz_kubeconfig.c kube/yaml.c kube/yaml_read.c kube/kubeconfig.c kube/kubeconfig_parse.c kube/credential.c core/xalloc.c -lyaml $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_kubeconfig
	$(FUZZ_CC) tests/fuzz/fuzz_df.c ssh/checks.c core/xalloc.c $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_df
	$(FUZZ_CC) tests/fuzz/fuzz_pm2.c ssh/checks.c ssh/pm2_rpc.c core/xalloc.c $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_pm2
	$(FUZZ_CC) tests/fuzz/fuzz_logline.c kube/logsplit.c core/logbuf.c core/logview.c tui/text.c core/utf8.c core/xalloc.c -o $(FUZZ_BIN)/fuzz_logline
	$(FUZZ_CC) tests/fuzz/fuzz_matrix.c core/matrix.c core/symptom.c kube/yaml.c kube/yaml_read.c core/xalloc.c -lyaml $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_matrix
	$(FUZZ_CC) tests/fuzz/fuzz_decode.c $(FUZZ_DECODE) $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_decode
	$(FUZZ_CC) tests/fuzz/fuzz_status.c $(FUZZ_DECODE) $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_status
	$(FUZZ_CC) tests/fuzz/fuzz_watch.c kube/watch.c $(FUZZ_DECODE) $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_watch
	$(FUZZ_CC) tests/fuzz/fuzz_config.c core/config.c kube/yaml.c kube/yaml_read.c core/xalloc.c -lyaml $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_config
	scripts/embed.sh keymap_default_text keymaps/default.keymap > $(FUZZ_BIN)/default_keymap.c
	$(FUZZ_CC) tests/fuzz/fuzz_keymap.c keymaps/keymap.c core/commands.c core/xalloc.c $(FUZZ_BIN)/default_keymap.c $$(pkg-config --libs ncursesw) -o $(FUZZ_BIN)/fuzz_keymap
	$(FUZZ_CC) tests/fuzz/fuzz_credential.c kube/credential.c core/xalloc.c $$(pkg-config --libs jansson) -o $(FUZZ_BIN)/fuzz_credential

fuzz: fuzz-build
	@BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) tests/run fuzz

clean:
	rm -rf build build-asan

# Also forgets the test tools make deps installed into the tree (pm2).
distclean: clean
	rm -rf build-node

-include $(shell find $(BUILD) -type f -name '*.d' 2>/dev/null)
