/*
 * pam-bench.c: PAM authentication time through pam_saslstep, against
 * pam_permit (the floor) and pam_oath, with many enrolled users; part of
 * `make bench` (bench/run.sh).
 *
 *   pam-bench setup DIR N...
 *	For each N: DIR/store-N.db with users u0000000 .. u(N-1), each with
 *	an HOTP and a TOTP credential (one store transaction), and
 *	DIR/oath-N, a pam_oath usersfile with the same users and key (HOTP).
 *   pam-bench run DIR ROUNDS N...
 *	Interleaved rounds (for each round, for each N, each case once) of
 *	one login of the last user, in process (pam_start_confdir(), the
 *	module loaded as an application loads it) and through pamtester
 *	under pam_wrapper (a process per login), then one table with
 *	medians and min..max:
 *	  permit       pam_permit alone: the floor;
 *	  hotp         pam_saslstep mech=HOTP, the next code: a success, with
 *	               its store write (the counter);
 *	  totp-wrong   pam_saslstep mech=TOTP, a wrong code: the lookup and the
 *	               whole window, a refusal (repeated successes of one
 *	               TOTP user are impossible by design: a code counts once);
 *	  pam_oath     pam_oath with the usersfile, the next HOTP code: a
 *	               success, with its rewrite of the file.
 *	PAMTESTER and PAM_WRAPPER_LIB in the environment (as configure found
 *	them); without them the pamtester column is skipped.
 * The key and codes are fixed test values, nothing secret.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "oath.h"
#include "saslstep-int.h"
#include "store.h"

#define MAXN      8
#define MAXROUNDS 60
#define NCASES    4
#define KEY       "12345678901234567890"
#define KEYHEX    "3132333435363738393031323334353637383930"

static const char *const case_names[NCASES] = {
    "permit", "hotp", "totp-wrong", "pam_oath"};
static const char *dir, *module, *sysdir;
static char sys_permit[4096], sys_oath[4096];
static int have_oath;

static void
user_name(char *buf, size_t n, unsigned long i)
{
	snprintf(buf, n, "u%07lu", i);
}

/* ---------------------------------------------------------------------- */
/* setup */

static int
setup_store(unsigned long n)
{
	struct sstep_oath_params hp, tp;
	saslstep_store_t *st = NULL;
	const char *why = NULL;
	char path[4096], name[32];
	unsigned long i;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/store-%lu.db", dir, n);
	(void)unlink(path);
	sstep_oath_params_default(SSTEP_OATH_HOTP, &hp);
	sstep_oath_params_default(SSTEP_OATH_TOTP, &tp);
	if ((r = sstep_store_open(path, SSTEP_STORE_CREATE, &st)) !=
	        SASLSTEP_OK ||
	    (r = sstep_store_begin(st)) != SASLSTEP_OK)
		goto out;
	for (i = 0; i < n && r == SASLSTEP_OK; i++) {
		user_name(name, sizeof(name), i);
		r = sstep_oath_enrol(st, name, &hp, (const unsigned char *)KEY,
		    strlen(KEY), &why);
		if (r == SASLSTEP_OK)
			r = sstep_oath_enrol(st, name, &tp,
			    (const unsigned char *)KEY, strlen(KEY), &why);
	}
	if (r == SASLSTEP_OK)
		r = sstep_store_commit(st);
out:
	if (r != SASLSTEP_OK)
		fprintf(stderr, "pam-bench: store %s: %s %s\n", path,
		    saslstep_errstring(r), why != NULL ? why : "");
	sstep_store_close(st);
	if (r != SASLSTEP_OK)
		return -1;
	snprintf(path, sizeof(path), "%s/oath-%lu", dir, n);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		user_name(name, sizeof(name), i);
		fprintf(f, "HOTP %s - %s\n", name, KEYHEX);
	}
	if (fclose(f) != 0)
		return -1;
	return chmod(path, 0600);
}

/* One service file: DIR/pam.d/NAME with one auth line. */
static int
service(const char *name, const char *line)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pam.d", dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/pam.d/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "auth required %s\naccount required %s\n", line, sys_permit);
	return fclose(f);
}

static int
setup(int argc, char **argv)
{
	char name[64], line[8192];
	unsigned long n;
	int i;

	if (service("permit", sys_permit) != 0)
		return 1;
	for (i = 0; i < argc; i++) {
		n = strtoul(argv[i], NULL, 10);
		if (n == 0 || setup_store(n) != 0)
			return 1;
		snprintf(name, sizeof(name), "hotp-%lu", n);
		snprintf(line, sizeof(line), "%s db=%s/store-%lu.db mech=HOTP",
		    module, dir, n);
		if (service(name, line) != 0)
			return 1;
		snprintf(name, sizeof(name), "totp-wrong-%lu", n);
		snprintf(line, sizeof(line), "%s db=%s/store-%lu.db mech=TOTP",
		    module, dir, n);
		if (service(name, line) != 0)
			return 1;
		snprintf(name, sizeof(name), "pam_oath-%lu", n);
		snprintf(line, sizeof(line),
		    "%s usersfile=%s/oath-%lu window=10 digits=6", sys_oath,
		    dir, n);
		if (service(name, line) != 0)
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* run */

static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *r;
	int i;

	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(data);
	*resp = r;
	return PAM_SUCCESS;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
login_inproc(const char *svc, const char *user, const char *code)
{
	struct pam_conv conv = {conversation, NULL};
	char confdir[4096];
	pam_handle_t *h = NULL;
	int rc;

	conv.appdata_ptr = (void *)(uintptr_t)code;
	snprintf(confdir, sizeof(confdir), "%s/pam.d", dir);
	if ((rc = pam_start_confdir(svc, user, &conv, confdir, &h)) !=
	    PAM_SUCCESS)
		return rc;
	rc = pam_authenticate(h, 0);
	pam_end(h, rc);
	return rc;
}

/* pamtester SVC USER authenticate under pam_wrapper, code on stdin;
 * returns 0 for success, 1 for a refusal, -1 when it could not run. */
static int
login_pamtester(const char *svc, const char *user, const char *code)
{
	char confdir[4096];
	int fd[2], st;
	pid_t pid;

	snprintf(confdir, sizeof(confdir), "%s/pam.d", dir);
	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		setenv("LD_PRELOAD", getenv("PAM_WRAPPER_LIB"), 1);
		setenv("PAM_WRAPPER", "1", 1);
		setenv("PAM_WRAPPER_SERVICE_DIR", confdir, 1);
		execl(getenv("PAMTESTER"), "pamtester", svc, user,
		    "authenticate", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	if (write(fd[1], code, strlen(code)) < 0 || write(fd[1], "\n", 1) < 0)
		(void)0; /* pamtester may not read: its status says */
	close(fd[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) == 127)
		return -1;
	return WEXITSTATUS(st) == 0 ? 0 : 1;
}

/* Six digits that are none of the TOTP codes the server may try now. */
static int
totp_wrong(char code[16])
{
	char cand[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t step = sstep_now() / 30, s;
	unsigned w;

	for (w = 0; w < 1000; w++) {
		snprintf(code, 16, "%06u", w);
		for (s = step - 3; s <= step + 3; s++) {
			if (sstep_oath_code(SSTEP_OATH_SHA1,
			        (const unsigned char *)KEY, strlen(KEY),
			        (uint64_t)s, 6, cand) != SASLSTEP_OK)
				return -1;
			if (strcmp(cand, code) == 0)
				break;
		}
		if (s > step + 3)
			return 0;
	}
	return -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
stat3(double *v, int n, char *out, size_t len)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	snprintf(out, len, "%8.3f ms  %7.3f .. %.3f",
	    (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) / 1e6,
	    v[0] / 1e6, v[n - 1] / 1e6);
}

static double t[2][MAXN][NCASES][MAXROUNDS];

/*
 * One login of case c (case_names) for the last of n users, in process
 * (mode 0) or through pamtester (1); its time goes to *ns.  HOTP cases
 * use the code of *counter, then move it on (both ways log in to the
 * same store or usersfile).  Returns 0 when the result is the expected
 * one (a success; a refusal for totp-wrong).
 */
static int
one_login(int mode, int c, unsigned long n, unsigned long *counter, double *ns)
{
	char user[32], code[16], svc[64];
	double t0;
	int rc, refused;

	user_name(user, sizeof(user), n - 1);
	if (c == 0)
		snprintf(svc, sizeof(svc), "permit");
	else
		snprintf(svc, sizeof(svc), "%s-%lu", case_names[c], n);
	if (c == 2
	        ? totp_wrong(code) != 0
	        : sstep_oath_code(SSTEP_OATH_SHA1, (const unsigned char *)KEY,
	              strlen(KEY), *counter, 6, code) != SASLSTEP_OK)
		return -1;
	t0 = now_ns();
	if (mode == 0) {
		rc = login_inproc(svc, user, code);
		refused = rc != PAM_SUCCESS;
	} else {
		rc = login_pamtester(svc, user, code);
		refused = rc != 0;
	}
	*ns = now_ns() - t0;
	(*counter)++;
	if (rc < 0 || refused != (c == 2)) {
		fprintf(stderr, "pam-bench: %s %s %s: unexpected result %d\n",
		    mode ? "pamtester" : "in-process", svc, user, rc);
		return -1;
	}
	return 0;
}

static int
run(int rounds, int argc, char **argv)
{
	unsigned long n[MAXN], counter[MAXN][NCASES];
	char buf[96];
	int r, i, c, m, modes;
	double ratio[MAXROUNDS];

	if (argc > MAXN || rounds < 1 || rounds > MAXROUNDS)
		return 2;
	modes = getenv("PAMTESTER") != NULL && *getenv("PAMTESTER") &&
	                getenv("PAM_WRAPPER_LIB") != NULL &&
	                *getenv("PAM_WRAPPER_LIB")
	            ? 2
	            : 1;
	memset(counter, 0, sizeof(counter));
	for (i = 0; i < argc; i++)
		n[i] = strtoul(argv[i], NULL, 10);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < argc; i++)
			for (m = 0; m < modes; m++)
				for (c = 0; c < NCASES; c++)
					if ((c != 3 || have_oath) &&
					    one_login(m, c, n[i],
					        &counter[i][c],
					        &t[m][i][c][r]) != 0)
						return 1;
	printf("PAM authentication of the last of N users (medians, "
	       "min .. max over %d rounds)\n",
	    rounds);
	for (m = 0; m < modes; m++) {
		printf("  %s\n", m == 0 ? "in process (pam_start_confdir)"
		                        : "pamtester under pam_wrapper");
		for (c = 0; c < NCASES; c++)
			for (i = 0; i < argc; i++) {
				if ((c == 0 && i > 0) || (c == 3 && !have_oath))
					continue;
				stat3(t[m][i][c], rounds, buf, sizeof(buf));
				if (c == 0)
					printf("    %-46s %s\n",
					    "pam_permit (floor)", buf);
				else
					printf("    %-30s N=%-13lu %s\n",
					    case_names[c], n[i], buf);
			}
		/* Ratios per round: the largest N over N=1 (same case),
		 * and pam_saslstep less pam_permit. */
		for (c = 1; c < (have_oath ? NCASES : 3) && argc > 1; c++) {
			for (r = 0; r < rounds; r++)
				ratio[r] = t[m][argc - 1][c][r] / t[m][0][c][r];
			qsort(
			    ratio, (size_t)rounds, sizeof(double), cmp_double);
			printf("    %-30s N=%lu/N=%-5lu %8.3f x   %.3f .. "
			       "%.3f%s\n",
			    case_names[c], n[argc - 1], n[0], ratio[rounds / 2],
			    ratio[0], ratio[rounds - 1],
			    c == 1 ? "   target <= 1.10 x" : "");
		}
		for (r = 0; r < rounds; r++)
			ratio[r] =
			    (t[m][argc - 1][1][r] - t[m][argc - 1][0][r]) / 1e6;
		qsort(ratio, (size_t)rounds, sizeof(double), cmp_double);
		printf("    %-30s N=%-13lu %8.3f ms  %7.3f .. %.3f%s\n",
		    "hotp - pam_permit", n[argc - 1], ratio[rounds / 2],
		    ratio[0], ratio[rounds - 1],
		    m == 1 ? "   target <= 0.5 ms" : "");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	/* Where the system's modules are (run.sh finds it). */
	sysdir = getenv("PAM_SYSTEM_MODDIR");
	if (sysdir == NULL || *sysdir == '\0')
		sysdir = "/lib/x86_64-linux-gnu/security";
	snprintf(sys_permit, sizeof(sys_permit), "%s/pam_permit.so", sysdir);
	snprintf(sys_oath, sizeof(sys_oath), "%s/pam_oath.so", sysdir);
	have_oath = access(sys_oath, R_OK) == 0;
	if (argc >= 4 && strcmp(argv[1], "setup") == 0) {
		dir = argv[2];
		module = getenv("PAM_MODULE");
		if (module == NULL || *module == '\0') {
			fputs("pam-bench: PAM_MODULE is not set\n", stderr);
			return 2;
		}
		return setup(argc - 3, argv + 3);
	}
	if (argc >= 5 && strcmp(argv[1], "run") == 0) {
		dir = argv[2];
		return run(atoi(argv[3]), argc - 4, argv + 4);
	}
	fputs(
	    "usage: pam-bench setup DIR N... | run DIR ROUNDS N...\n", stderr);
	return 2;
}
