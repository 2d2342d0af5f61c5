# sunlight: GNU Make + pkg-config. `make` builds build/sunlight; `make demo` runs the main job on
# the bundled sample; `make check` builds and runs every test, then again under ASan + UBSan.
# Variables: BUILD (output folder), CFLAGS (optimisation/debug), SAN=1 (sanitizer build).

PKGS      := libhs sqlite3 libcrypto libarchive expat libxml-2.0 freexl zlib gmime-3.0 libgsf-1 yajl
TEST_PKGS := libpcre2-8
CC        ?= cc
BUILD     ?= build
CFLAGS    ?= -O2 -g

ifeq ($(SAN),1)
BUILD     := build/san
CFLAGS    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS   += -fsanitize=address,undefined
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS_PKG := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS_PKG   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers
DEFS     := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
ALL_CFLAGS = $(WARN) $(DEFS) -Iinclude -Ilib $(PKG_CFLAGS) $(CFLAGS) -pthread -MMD -MP
LDFLAGS  += -pthread

LIB_SRC   := $(sort $(wildcard lib/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC  := $(sort $(wildcard tools/*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN  := $(TOOL_SRC:tools/%.c=$(BUILD)/%)
LIBA      := $(BUILD)/libsunlight.a
BIN       := $(BUILD)/sunlight

.PHONY: all deps demo check test test-fast san bench bench-scale fuzz clean
all: $(BIN) $(TOOL_BIN) $(TEST_BIN)

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The CLI finds the rule packs of the tree it was built from unless told otherwise, and sees
# only the public header: lib/ is not on its include path.
$(CLI_OBJ): DEFS += -DSL_RULES_DIR='"$(CURDIR)/rules"'
$(CLI_OBJ): ALL_CFLAGS = $(WARN) $(DEFS) -Iinclude $(CFLAGS) -MMD -MP

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(PKG_LIBS) -lm

$(BUILD)/tests/%: tests/unit/%.c tests/harness.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(TEST_CFLAGS_PKG) $(LDFLAGS) -o $@ $< $(LIBA) $(PKG_LIBS) $(TEST_LIBS_PKG) -lm

$(BUILD)/%: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lm

# The bundled sample: a deterministic generated release (see tools/slgen.c), scanned.
DEMO_DIR := $(BUILD)/demo
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)

# Every test, then every test again under AddressSanitizer + UndefinedBehaviorSanitizer.
check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SAN=1 all
	@sh tests/run.sh build build/san

# Quicker loop while developing: release build only.
test: all
	@sh tests/run.sh build

bench: all
	@sh bench/run.sh $(BUILD)

bench-scale: all
	@sh bench/scale.sh $(BUILD)

# libFuzzer harnesses (fuzz/*.c), built with clang over the library sources; see each file's
# header for how to run it. Not part of `make check`: fuzzing is open-ended.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
fuzz: $(FUZZ_BIN)
build/fuzz/%: fuzz/%.c $(LIB_SRC) $(wildcard lib/*.h) include/sunlight.h
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined $(DEFS) -Iinclude -Ilib $(PKG_CFLAGS) \
	    $< $(LIB_SRC) -o $@ $(PKG_LIBS) -lm

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TOOL_BIN:=.d)
