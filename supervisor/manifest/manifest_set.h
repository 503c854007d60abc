/* manifest_set.h - rules across objects of several files. A port that
 * answers on every address of the device is claimed once: a container's
 * hostPort, a NodePort or LoadBalancer Service's nodePort, a
 * LoadBalancer's port (podinit serves it on the device, as a cloud's load
 * balancer would in front of a cluster). Two claims of one port and
 * protocol are an error at the second, naming the first. */
#ifndef PODINIT_MANIFEST_SET_H
#define PODINIT_MANIFEST_SET_H

#include "diag.h"
#include "manifest.h"

/* Records in dl an error for each claim of f that an object of
 * others[0..n) or an earlier object of f makes already. Returns the
 * number of errors. */
unsigned mf_check_ports(const struct mf_file *f, const struct mf_file *const *others, unsigned n,
			struct diag_list *dl);

#endif
