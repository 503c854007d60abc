/* libFuzzer target: the DHCP client's reader of a server's message, on any
 * bytes (what arrives on port 68 of the uplink is anyone's). The
 * transaction id and client address are taken from the input itself half
 * the time, so that the option parser is reached. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "net_dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	uint32_t xid = 0x01020304;
	if (size >= 34 && (data[0] & 1)) {
		xid = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7];
		memcpy(mac, data + 28, 6);
	}
	struct dhcp_reply r;
	if (net_dhcp_parse(data, size, xid, mac, &r) && r.type == 0)
		__builtin_trap(); /* a reply is never accepted without its type */
	return 0;
}
