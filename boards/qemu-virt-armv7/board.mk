# QEMU `-M virt`, 32-bit ARMv7 hard-float. Later: kernel, console, watchdog, qemu-system settings.
ARCH := armhf
BOARD_DESC := QEMU virt machine, 32-bit ARMv7 hard-float (armhf)
