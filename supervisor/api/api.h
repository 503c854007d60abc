/* api.h - the Kubernetes API process: `podinit --api-process --listen
 * ADDR:PORT --run RUN --data DATA`, started and restarted by PID 1.
 *
 * It makes its TLS credentials and token under DATA/api on first start
 * (tls.h), writes RUN/kubeconfig (0600: server, CA, token), drops every
 * capability, and serves HTTPS: every request needs the bearer token; the
 * answers come from PID 1 over the control socket, so the API shows what
 * podctl and the console show. HTTP and TLS parsing never run in PID 1. */
#ifndef PODINIT_API_H
#define PODINIT_API_H

/* The process's main: exit status. */
int api_main(int argc, char **argv);

#endif
