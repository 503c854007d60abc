/* main.c - the program's entry: podinit or podctl, chosen by argv[0].
 *
 * This is the boundary where diagnostics are printed and exit statuses
 * chosen; everything below returns errors instead. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "diag.h"
#include "emit.h"
#include "ctl.h"
#include "manifest.h"
#include "manifest_set.h"
#include "spawn.h"
#include "status.h"
#include "sv.h"
#include "stage1.h"

#ifndef PODINIT_VERSION
#define PODINIT_VERSION "0.1.0"
#endif

static int usage(FILE *out, int rc)
{
	fputs("usage: podinit [-o yaml|json] -n FILE...   validate manifests, print them normalised\n"
	      "       podinit [--manifests DIR] [--images DIR] [--data DIR] [--run DIR]\n"
	      "               [--console DEV|none] [--board NAME] [--backoff I,C,R]\n"
	      "               [--log-size SIZE] [--log-files N] [--log-file-size SIZE]\n"
	      "               [--ctl-group GID] [--ota-settle DUR] [--ota-deadline DUR]\n"
	      "               [--ota-boots N] [--api ADDR:PORT|none]\n"
	      "       podinit --version\n",
	      out);
	return rc;
}

/* -n: validate each file; print the objects of valid files, the errors of
 * invalid ones. Exit 0 only when every file is valid. */
static int check_files(char **files, int n, enum emit_format fmt)
{
	struct diag_list *dl = malloc(sizeof *dl);
	if (!dl) {
		fputs("podinit: out of memory\n", stderr);
		return 1;
	}
	int bad = 0;
	bool first = true;
	/* JSON: one document, a List as kubectl prints several objects */
	struct emit list;
	if (fmt == EMIT_JSON) {
		emit_init(&list, stdout, fmt);
		status_emit_list_head(&list, "List", 0);
	}
	/* every file stays loaded: a port claimed twice spans files */
	struct mf_file *mfs = calloc((size_t)n, sizeof *mfs);
	const struct mf_file **valid = calloc((size_t)n, sizeof *valid);
	if (!mfs || !valid) {
		fputs("podinit: out of memory\n", stderr);
		free(mfs);
		free(valid);
		free(dl);
		return 1;
	}
	unsigned nvalid = 0;
	for (int i = 0; i < n; i++) {
		struct mf_file *mf = &mfs[i];
		diag_init(dl, files[i]);
		int rc = mf_load(files[i], mf, dl);
		if (!rc && mf_check_ports(mf, valid, nvalid, dl))
			rc = -EINVAL;
		diag_print(dl, stderr);
		if (rc) {
			bad = 1;
			continue;
		}
		valid[nvalid++] = mf;
		for (unsigned j = 0; j < mf->n; j++) {
			struct emit e;
			if (fmt == EMIT_JSON) {
				mf_emit(&list, &mf->objs[j]);
				continue;
			}
			if (!first)
				fputs("---\n", stdout);
			first = false;
			emit_init(&e, stdout, fmt);
			mf_emit(&e, &mf->objs[j]);
			emit_finish(&e);
		}
	}
	for (int i = 0; i < n; i++)
		mf_free(&mfs[i]);
	free(mfs);
	free(valid);
	free(dl);
	if (fmt == EMIT_JSON) {
		status_emit_list_end(&list);
		emit_finish(&list);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "podinit: cannot write output: %s\n", strerror(errno));
		return 1;
	}
	return bad;
}

static int podinit_main(int argc, char **argv)
{
	enum emit_format fmt = EMIT_YAML;
	for (int i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '-'; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("podinit %s\n", PODINIT_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return usage(stdout, 0);
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			if (!strcmp(argv[i + 1], "json"))
				fmt = EMIT_JSON;
			else if (strcmp(argv[i + 1], "yaml"))
				return usage(stderr, 2);
			i++;
		} else if (!strcmp(argv[i], "-n")) {
			if (i + 1 >= argc)
				return usage(stderr, 2);
			return check_files(argv + i + 1, argc - i - 1, fmt);
		} else {
			fprintf(stderr, "podinit: unknown option %s\n", argv[i]);
			return usage(stderr, 2);
		}
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("podinit %s\n", PODINIT_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--help"))
			return usage(stdout, 0);
	}
	/* --recover: this PID 1 was re-executed after a crash */
	bool recover = argc == 2 && !strcmp(argv[1], "--recover") && getpid() == 1;
	if (recover)
		argc = 1;
	struct config cfg;
	int rc = sv_parse_args(&cfg, argc, argv);
	if (rc && !cfg.pid1)
		return rc;
	if (!cfg.pid1) {
		enum stop_how how;
		return sv_main(&cfg, &how);
	}
	/* PID 1: stage 1, the supervisor, the final stage; never an exit */
	stage1_crash_guard();
	stage1_boot(cfg.console);
	if (recover)
		stage1_recover();
	enum stop_how how = STOP_POWEROFF;
	rc = sv_main(&cfg, &how);
	if (rc) {
		fprintf(stderr, "podinit: the supervisor could not run (status %d)\n", rc);
		stage1_safe_mode();
	}
	stage1_final(how);
}

static int podctl_main(int argc, char **argv)
{
	return ctl_client_main(argc, argv);
}

/* podinit --pause: init of a pod's shared PID namespace. Reaps whatever
 * is reparented to it and otherwise sleeps; the supervisor SIGKILLs it.
 * The pod's containers see it: it holds no capability and is not
 * dumpable, so none of them can reach through it. */
_Noreturn static void pause_main(void)
{
	if (chdir("/") < 0 || spawn_drop_all() < 0)
		_exit(127);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		int sig;
		sigwait(&chld, &sig);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--pause") && getpid() == 1)
		pause_main();
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "podctl"))
		return podctl_main(argc, argv);
	/* the Kubernetes API, a process of its own that PID 1 starts (api.h) */
	if (argc > 1 && !strcmp(argv[1], "--api-process"))
		return api_main(argc - 1, argv + 1);
	return podinit_main(argc, argv);
}
