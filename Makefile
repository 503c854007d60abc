# podinit - build, test and device images.
#   make                      host build into build/host/
#   make BOARD=<board>        static musl build into build/<board>/
#   make check                every test suite, ends with "N passed, N failed"
#   make deps                 install/build what the builds need (Debian only)
.DEFAULT_GOAL := all
TOP := $(abspath .)
VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || echo 0.1.0)

SRCS := $(sort $(wildcard init/*.c supervisor/*.c))
LIB_SRCS := $(filter supervisor/%,$(SRCS))

WARN := -Wall -Wextra -Werror -Wvla -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wundef -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DPODINIT_VERSION='"$(VERSION)"' $(WARN) -iquote supervisor

ifeq ($(BOARD),)
OUT := build/host
CC := cc
OPT := -O2 -g
DEPS_STAMP := $(TOP)/build/deps/.stamp-host
DEPS_CFLAGS :=
DEPS_LDFLAGS :=
DEPS_LDLIBS := -lyaml -lcap
STRIP_CMD := true
$(DEPS_STAMP):
	$(TOP)/boards/deps.sh host
else
ifeq ($(wildcard boards/$(BOARD)/board.mk),)
$(error unknown BOARD=$(BOARD); boards: $(notdir $(wildcard boards/*/board.mk)))
endif
include boards/$(BOARD)/board.mk
include boards/cross.mk
OUT := build/$(BOARD)
OPT := -Os -ffunction-sections -fdata-sections
LDFLAGS += -Wl,--gc-sections
STRIP_CMD = $(STRIP) $@
endif

CFLAGS := $(BASE_CFLAGS) $(OPT) $(DEPS_CFLAGS) $(EXTRA_CFLAGS)
OBJS := $(SRCS:%.c=$(OUT)/obj/%.o)

.PHONY: all deps host-deps check clean boards unit golden asan fuzz demo integration lifecycle FORCE
all: $(OUT)/podinit $(OUT)/podctl

deps:
	$(TOP)/boards/deps.sh

# what the host build and tests need (make check runs this first)
host-deps: $(DEPS_STAMP)

# every object says the version: rebuilt when `git describe` changes
$(OUT)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
FORCE:

$(OUT)/obj/%.o: %.c $(OUT)/version.stamp | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/podinit: $(OBJS)
	$(CC) $(LDFLAGS) $(DEPS_LDFLAGS) -o $@ $(OBJS) $(DEPS_LDLIBS)
	$(STRIP_CMD)

# podctl is the same program, chosen by argv[0]
$(OUT)/podctl: $(OUT)/podinit
	ln -sf podinit $@

-include $(OBJS:.o=.d)

# ---- tests (host only) ------------------------------------------------------
ifeq ($(BOARD),)
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g -Wno-missing-prototypes
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/test/unit/%)
ASAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/test/asan/%)

# the modules are compiled once per flavour into an archive; each unit
# test links what it uses from it
TEST_OBJS := $(LIB_SRCS:%.c=build/test/obj/%.o)
ASAN_OBJS := $(LIB_SRCS:%.c=build/test/asan-obj/%.o)
build/test/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@
build/test/asan-obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -MMD -MP -c $< -o $@
build/test/libpodinit.a: $(TEST_OBJS)
	rm -f $@ && ar rcs $@ $^
build/test/libpodinit-asan.a: $(ASAN_OBJS)
	rm -f $@ && ar rcs $@ $^
-include $(TEST_OBJS:.o=.d) $(ASAN_OBJS:.o=.d)

build/test/unit/%: tests/unit/%.c build/test/libpodinit.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< build/test/libpodinit.a -lcmocka -lyaml -lcap

build/test/asan/%: tests/unit/%.c build/test/libpodinit-asan.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -o $@ $< build/test/libpodinit-asan.a -lcmocka -lyaml -lcap

build/test/asan/podinit: $(SRCS) $(wildcard supervisor/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -o $@ $(SRCS) -lyaml -lcap

build/test/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(wildcard supervisor/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	clang $(BASE_CFLAGS) -O1 -g -Wno-missing-prototypes \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(LIB_SRCS) -lyaml -lcap

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/test/fuzz/%)
FUZZ_SECONDS ?= 60
BOARDS := qemu-virt-arm64 qemu-virt-armv7 raspberrypi4

unit: $(UNIT_BINS)
	tests/unit/run.sh $(UNIT_BINS)
golden: all
	tests/golden.sh build/host/podinit
asan: $(ASAN_UNIT_BINS) build/test/asan/podinit
	tests/unit/run.sh $(ASAN_UNIT_BINS)
	tests/golden.sh build/test/asan/podinit
integration: all
	tests/integration/run.sh build/host/podinit
lifecycle: all
	tests/lifecycle/run.sh build/host/podinit
fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)
boards:
	for b in $(BOARDS); do $(MAKE) --no-print-directory BOARD=$$b || exit 1; done
	tests/boards/run.sh $(BOARDS)
	RUNNER=qemu-aarch64-static tests/golden.sh build/qemu-virt-arm64/podinit
	RUNNER=qemu-arm-static tests/golden.sh build/qemu-virt-armv7/podinit

# Every layer runs even when an earlier one fails; the last line sums them.
check:
	@tests/check.sh

demo:
	@echo "make demo arrives with the boards and network issues; see README.md" >&2; exit 1
endif

# ---- device images and boot tests (docs/boards.md) ------------------------
ifneq ($(BOARD),)
IMAGE ?= $(OUT)/initramfs.cpio.gz
MANIFESTS ?= rootfs/manifests
.PHONY: kernel image run
kernel:
	KERNEL_PKG_GLOB='$(KERNEL_PKG_GLOB)' rootfs/fetch.sh $(ARCH)
# the attack suite's hostile program, for the boards' e2e attack boot
$(OUT)/escape: tests/integration/escape.c | $(DEPS_STAMP)
	$(CC) -static -O2 -Wall -o $@ $<
	$(STRIP) $@
image: $(OUT)/podinit $(OUT)/podctl
	rootfs/mkinitramfs.sh $(BOARD) $(IMAGE) $(MANIFESTS)
run: image
	rootfs/run.sh $(BOARD) $(IMAGE) $(QEMU_EXTRA)
else
E2E_BOARDS ?= qemu-virt-arm64 qemu-virt-armv7
.PHONY: e2e
e2e:
	tests/e2e/run.sh $(E2E_BOARDS)
endif

clean:
	rm -rf build/host build/test $(addprefix build/,$(notdir $(wildcard boards/*)))
