# QEMU `-M virt`, 64-bit. Later: kernel, console, watchdog, qemu-system settings.
ARCH := aarch64
BOARD_DESC := QEMU virt machine, 64-bit ARMv8 (aarch64)
