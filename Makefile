# podinit - build, test and device images.
#   make                      host build into build/host/
#   make BOARD=<board>        static musl build into build/<board>/
#   make check                every test suite, ends with "N passed, N failed"
#   make deps                 install/build what the builds need (Debian only)
#   make bench                the host bench; make BOARD=<board> bench: on the board
.DEFAULT_GOAL := all
TOP := $(abspath .)
VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || echo 0.1.0)

# The layers, lowest first (docs/design.md): a folder includes only from
# itself and the folders before it, and each builds into a static library,
# so a call upward does not link (make lint checks both). supervisor/*.c is
# the top (the supervisor itself), init/ is above it.
LAYERS := lib manifest runtime net lifecycle ota control api
layer_srcs = $(sort $(wildcard supervisor/$(1)/*.c))
TOP_SRCS := $(sort $(wildcard supervisor/*.c))
INIT_SRCS := $(sort $(wildcard init/*.c))
LIB_SRCS := $(foreach l,$(LAYERS),$(call layer_srcs,$(l))) $(TOP_SRCS)
SRCS := $(INIT_SRCS) $(LIB_SRCS)
INCLUDES := -iquote supervisor $(addprefix -iquote supervisor/,$(LAYERS))
# the layers at and below $(1), highest first: the order the linker needs
layers_below = $(strip $(foreach l,$(LAYERS),$(if $(filter $(l),$(firstword $(filter $(1) $(l),$(LAYERS)))),$(l))))
rev = $(if $(1),$(call rev,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))

WARN := -Wall -Wextra -Werror -Wvla -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wundef -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DPODINIT_VERSION='"$(VERSION)"' $(WARN) $(INCLUDES)

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
OPT := -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
# No RELRO segment: in a static musl binary nothing makes it read-only (the
# kernel ignores PT_GNU_RELRO and only musl's dynamic linker applies it), so
# it only padded the file to a page boundary: 6-16 KB (docs/toolchain.md).
LDFLAGS += -Wl,--gc-sections -Wl,-z,norelro
# arm64: segments aligned to 16 KiB, not ld's 64 KiB. Kernels with 4 KiB
# (Debian's) and 16 KiB pages (the Raspberry Pi 5's) run it; 64 KiB ones do not.
# (armv7's own default is smaller: 16 KiB there adds 8 KB.)
ifeq ($(ARCH),aarch64)
LDFLAGS += -Wl,-z,max-page-size=16384
endif
STRIP_CMD = $(STRIP) $@
endif

# the api layer's TLS: static mbedTLS from boards/deps.sh (docs/api-tls.md)
MBEDTLS_ARCH := $(if $(BOARD),$(ARCH),host)
MBEDTLS_PREFIX := $(TOP)/build/deps/prefix/$(MBEDTLS_ARCH)
MBEDTLS_STAMP := $(TOP)/build/deps/.stamp-mbedtls-$(MBEDTLS_ARCH)
MBEDTLS_LDLIBS := -L$(MBEDTLS_PREFIX)/lib -lmbedtls -lmbedx509 -lmbedcrypto

CFLAGS := $(BASE_CFLAGS) $(OPT) $(DEPS_CFLAGS) $(EXTRA_CFLAGS)
OBJS := $(SRCS:%.c=$(OUT)/obj/%.o)
TOP_OBJS := $(INIT_SRCS:%.c=$(OUT)/obj/%.o) $(TOP_SRCS:%.c=$(OUT)/obj/%.o)
LAYER_LIBS := $(foreach l,$(call rev,$(LAYERS)),$(OUT)/lib/lib$(l).a)

.PHONY: all deps host-deps check clean boards lint unit golden asan fuzz demo demo-test integration lifecycle FORCE
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

$(OUT)/obj/%.o: %.c $(OUT)/version.stamp | $(DEPS_STAMP) $(MBEDTLS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# one archive per layer; podinit links them highest first, once each
define layer_lib
$(OUT)/lib/lib$(1).a: $(patsubst %.c,$(OUT)/obj/%.o,$(call layer_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && $(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(l))))

# the mbedTLS stamp too: a new configuration relinks (its libraries change)
$(OUT)/podinit: $(TOP_OBJS) $(LAYER_LIBS) $(MBEDTLS_STAMP)
	$(CC) $(LDFLAGS) $(DEPS_LDFLAGS) -Wl,-Map=$@.map -o $@ $(TOP_OBJS) $(LAYER_LIBS) $(DEPS_LDLIBS) $(MBEDTLS_LDLIBS)
	$(STRIP_CMD)

# podctl is the same program, chosen by argv[0]
$(OUT)/podctl: $(OUT)/podinit
	ln -sf podinit $@

-include $(OBJS:.o=.d)

# ---- the api layer's TLS (docs/api-tls.md) ----------------------------------
# supervisor/api/ links the static mbedTLS that boards/deps.sh builds with
# boards/mbedtls-config.h, for the host (build/deps/prefix/host) and each board.
# `make tlsdemo` links the TLS code alone with tests/api/tlsdemo.c.
.PHONY: tlsdemo api-test
API_SRCS := $(sort $(wildcard supervisor/api/*.c))
TLSDEMO_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,tests/api/tlsdemo.c supervisor/api/tls.c supervisor/api/tls_creds.c supervisor/lib/state.c)
$(OUT)/obj/supervisor/api/%.o $(OUT)/obj/tests/api/%.o $(OUT)/obj/init/main.o: CFLAGS += -I$(MBEDTLS_PREFIX)/include
# deps.sh rebuilds mbedTLS when the configuration's hash changes
$(MBEDTLS_STAMP): $(TOP)/boards/mbedtls-config.h
	$(TOP)/boards/deps.sh $(MBEDTLS_ARCH) && touch $@
tlsdemo: $(OUT)/tlsdemo
$(OUT)/tlsdemo: $(TLSDEMO_OBJS) $(MBEDTLS_STAMP)
	$(CC) $(LDFLAGS) $(DEPS_LDFLAGS) -Wl,-Map=$@.map -o $@ $(TLSDEMO_OBJS) $(MBEDTLS_LDLIBS)
	$(STRIP_CMD)
api-test: $(OUT)/tlsdemo
	tests/api/run.sh $(OUT)/tlsdemo

# ---- tests (host only) ------------------------------------------------------
ifeq ($(BOARD),)
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g -Wno-missing-prototypes -I$(MBEDTLS_PREFIX)/include
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/test/unit/%)
ASAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/test/asan/%)

# The modules are compiled once per flavour into one archive per layer; a
# unit test in tests/unit/LAYER/ links that layer and the ones below only,
# so a module that calls up cannot pass its unit tests.
TEST_OBJS := $(LIB_SRCS:%.c=build/test/obj/%.o)
ASAN_OBJS := $(LIB_SRCS:%.c=build/test/asan-obj/%.o)
build/test/obj/%.o: %.c | $(DEPS_STAMP) $(MBEDTLS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@
build/test/asan-obj/%.o: %.c | $(DEPS_STAMP) $(MBEDTLS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -MMD -MP -c $< -o $@
define test_lib
build/test/lib/lib$(1).a: $(patsubst %.c,build/test/obj/%.o,$(call layer_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
build/test/lib/libasan-$(1).a: $(patsubst %.c,build/test/asan-obj/%.o,$(call layer_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
build/test/unit/$(1)/%: tests/unit/$(1)/%.c $(foreach l,$(call layers_below,$(1)),build/test/lib/lib$(l).a) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(TEST_CFLAGS) -o $$@ $$< $(foreach l,$(call rev,$(call layers_below,$(1))),build/test/lib/lib$(l).a) -lcmocka -lyaml -lcap $(MBEDTLS_LDLIBS)
build/test/asan/$(1)/%: tests/unit/$(1)/%.c $(foreach l,$(call layers_below,$(1)),build/test/lib/libasan-$(l).a) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(TEST_CFLAGS) $(SAN) -o $$@ $$< $(foreach l,$(call rev,$(call layers_below,$(1))),build/test/lib/libasan-$(l).a) -lcmocka -lyaml -lcap $(MBEDTLS_LDLIBS)
endef
$(foreach l,$(LAYERS),$(eval $(call test_lib,$(l))))
-include $(TEST_OBJS:.o=.d) $(ASAN_OBJS:.o=.d)

build/test/asan/podinit: $(SRCS) $(shell find supervisor -name '*.h') | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -o $@ $(SRCS) -lyaml -lcap $(MBEDTLS_LDLIBS)

build/test/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(shell find supervisor -name '*.h') | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	clang $(BASE_CFLAGS) -O1 -g -Wno-missing-prototypes \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I$(MBEDTLS_PREFIX)/include -o $@ $< $(LIB_SRCS) -lyaml -lcap $(MBEDTLS_LDLIBS)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/test/fuzz/%)
FUZZ_SECONDS ?= 60
BOARDS := qemu-virt-arm64 qemu-virt-armv7 raspberrypi4

# the layering of docs/design.md: includes, cycles, exports, link order
lint: all
	LINT_LIBS="$(MBEDTLS_LDLIBS)" python3 tests/lint/layers.py "$(LAYERS)" $(OUT)/obj

unit: $(UNIT_BINS)
	tests/unit/run.sh $(UNIT_BINS)
golden: all
	tests/golden.sh build/host/podinit
asan: $(ASAN_UNIT_BINS) build/test/asan/podinit
	tests/unit/run.sh $(ASAN_UNIT_BINS)
	tests/golden.sh build/test/asan/podinit
integration: all
	tests/integration/run.sh build/host/podinit
	tests/ota-agents/run.sh build/host/podinit
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

# the founding example's flow as a test (tests/demo/run.sh, in make check)
demo-test:
	tests/demo/run.sh

# The founding example on the emulated arm64 board (rootfs/demo.py says each step;
# DEMO_BATCH=1 exits at the end instead of leaving you at the board's console).
DEMO_BOARD := qemu-virt-arm64
demo: host-deps
	@echo "demo: building podinit for $(DEMO_BOARD)"
	@$(MAKE) --no-print-directory -s BOARD=$(DEMO_BOARD)
	@echo "demo: building the images from Debian packages (busybox, nginx, git-sync; a few minutes the first time)"
	@$(MAKE) --no-print-directory -s BOARD=$(DEMO_BOARD) images >build/demo-images.log 2>&1 || \
		{ tail -20 build/demo-images.log; exit 1; }
	@bash -c '. rootfs/lib.sh; command -v qemu-system-aarch64 >/dev/null || ensure_pkgs qemu-system-arm'
	@echo "demo: the image store as a disk (build/$(DEMO_BOARD)/images.disk)"
	@rootfs/mkimagesdisk.sh build/$(DEMO_BOARD)/images build/$(DEMO_BOARD)/images.disk
	@rootfs/demo.py build/demo build/$(DEMO_BOARD)/images.disk
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
# the board bench (docs/performance.md): its two programs, static for the board
$(OUT)/bench/%: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -o $@ $<
	$(STRIP) $@
.PHONY: bench
bench: $(OUT)/podinit $(OUT)/podctl $(OUT)/bench/lat $(OUT)/bench/stamp
	bench/board.sh $(BOARD)
run: image
	rootfs/run.sh $(BOARD) $(IMAGE) $(QEMU_EXTRA)
else
E2E_BOARDS ?= qemu-virt-arm64 qemu-virt-armv7
.PHONY: e2e bench
# the host bench (docs/performance.md); `make BOARD=<board> bench` for a board's
bench: all
	bench/run.sh
e2e:
	tests/e2e/run.sh $(E2E_BOARDS)
endif

# ---- container images (docs/images.md) -------------------------------------
# `make images`: the host's store in build/host/images; `make BOARD=<board> images`: the
# board's, squashfs, in build/<board>/images (ARCH from board.mk). `make images-test`:
# tests/images/run.sh (as root; builds its own host store in build/test/images).
.PHONY: images images-test
ifeq ($(BOARD),)
images:
	rootfs/mkimages.sh host build/host/images
else
images:
	rootfs/mkimages.sh $(ARCH) build/$(BOARD)/images --squashfs
endif
images-test:
	tests/images/run.sh

clean:
	rm -rf build/host build/test $(addprefix build/,$(notdir $(wildcard boards/*)))
