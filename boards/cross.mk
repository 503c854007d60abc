# boards/cross.mk: musl static cross toolchain for $(ARCH).
#
# Included by the top-level Makefile AFTER boards/$(BOARD)/board.mk (which sets ARCH).
# Needs TOP = absolute path of the repo root. Everything comes from boards/deps.sh
# (Debian packages + build/deps/); see docs/toolchain.md.
#
# Defines:
#   CC            musl gcc wrapper for ARCH + -idirafter <extracted kernel UAPI headers>
#   AR, STRIP     cross binutils
#   QEMU_USER     qemu-user binary that runs ARCH programs (binfmt_misc is not assumed)
#   FILE_MACHINE  substring that file(1) prints for an ARCH executable
#   DEPS_CFLAGS / DEPS_LDFLAGS / DEPS_LDLIBS   static libyaml + libcap built by deps.sh
#   DEPS_STAMP    file created by a successful `boards/deps.sh $(ARCH)`; rule below

ifndef TOP
$(error boards/cross.mk: set TOP (absolute repo root) before including it)
endif

ifeq ($(ARCH),aarch64)
CROSS_COMPILE := aarch64-linux-gnu-
MUSL_CC       := aarch64-linux-musl-gcc
QEMU_USER     := qemu-aarch64-static
FILE_MACHINE  := ARM aarch64
else ifeq ($(ARCH),armhf)
CROSS_COMPILE := arm-linux-gnueabihf-
MUSL_CC       := arm-linux-musleabihf-gcc
QEMU_USER     := qemu-arm-static
FILE_MACHINE  := ARM, EABI5
else
$(error boards/cross.mk: unknown ARCH '$(ARCH)' (expected aarch64 or armhf; set by boards/$(BOARD)/board.mk))
endif

# Same default as boards/deps.sh (which also honours DEPS_DIR from the environment).
DEPS_DIR ?= $(TOP)/build/deps

# The musl specs use -nostdinc, so <linux/...> and <asm/...> come from linux-libc-dev:<arch>
# extracted by deps.sh; -idirafter keeps them behind musl's own headers.
CC    := $(MUSL_CC) -idirafter $(DEPS_DIR)/uapi/$(ARCH)
AR    := $(CROSS_COMPILE)ar
STRIP := $(CROSS_COMPILE)strip

DEPS_CFLAGS  := -I$(DEPS_DIR)/prefix/$(ARCH)/include
DEPS_LDFLAGS := -static -L$(DEPS_DIR)/prefix/$(ARCH)/lib
DEPS_LDLIBS  := -lyaml -lcap

DEPS_STAMP := $(DEPS_DIR)/.stamp-$(ARCH)

# deps.sh creates the stamp once, at the end of a successful run for $(ARCH).
$(DEPS_STAMP): ; DEPS_DIR=$(DEPS_DIR) $(TOP)/boards/deps.sh $(ARCH)
