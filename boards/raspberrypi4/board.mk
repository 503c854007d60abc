# Raspberry Pi 4 Model B, 64-bit userland. Later: kernel, console, watchdog settings.
ARCH := aarch64
BOARD_DESC := Raspberry Pi 4 Model B (BCM2711, Cortex-A72), 64-bit (aarch64)
