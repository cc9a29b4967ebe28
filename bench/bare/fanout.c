/*
 * The kernel's fan-out floor: what this machine spends to move one small message to each of N
 * loopback TCP sockets and read them all back, with no runtime, no framing and no protocol in the
 * way. `bench/native-fanout.ts` compiles it (`cc -O2`) and reads the one JSON line it prints.
 *
 * Two processes, as the gateway and the bench's subscribers are: the server holds N accepted
 * sockets and, each time the client asks on a control socket, sends one prepared message of
 * `bytes` bytes to every one of them (`send`, one system call each, as Node's socket writes end);
 * the client reads them all through epoll and times each round from its request to the last byte.
 * Each socket must receive exactly its share, or the run fails.
 *
 * Usage: fanout <sockets> <rounds> <bytes> <warm-up rounds>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void fail(const char *what) {
  fprintf(stderr, "fanout: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Reads or writes exactly one byte on the control socket. */
static char recv1(int fd) {
  char c;
  if (read(fd, &c, 1) != 1) fail("control read");
  return c;
}

static void send1(int fd, char c) {
  if (write(fd, &c, 1) != 1) fail("control write");
}

static void client(int control, struct sockaddr_in *at, int n, int rounds, int bytes, int warm) {
  int *fds = malloc(sizeof(int) * n);
  long *got = calloc(n, sizeof(long));
  double *took = malloc(sizeof(double) * rounds);
  int epoll = epoll_create1(0);
  int one = 1;
  /* The server accepts while the client connects: a backlog would not hold 10,000. */
  send1(control, 'c');
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[i] < 0) fail("socket");
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fds[i], (struct sockaddr *)at, sizeof *at) != 0) fail("connect");
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    struct epoll_event e = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fds[i], &e);
  }
  recv1(control);
  static char buf[65536];
  struct epoll_event events[1024];
  double cpu_start = 0;
  for (int r = -warm; r < rounds; r++) {
    if (r == 0) cpu_start = cpu_ms();
    double start = now_ms();
    send1(control, 'g');
    long want = (long)n * bytes, have = 0;
    while (have < want) {
      int ready = epoll_wait(epoll, events, 1024, 10000);
      if (ready <= 0) fail("epoll_wait (no delivery within 10 s)");
      for (int k = 0; k < ready; k++) {
        unsigned i = events[k].data.u32;
        ssize_t m;
        while ((m = read(fds[i], buf, sizeof buf)) > 0) {
          got[i] += m;
          have += m;
        }
      }
    }
    if (r >= 0) took[r] = now_ms() - start;
  }
  double cpu = (cpu_ms() - cpu_start) / rounds;
  for (int i = 0; i < n; i++) {
    if (got[i] != (long)(rounds + warm) * bytes) {
      fprintf(stderr, "fanout: socket %d got %ld bytes, not %ld\n", i, got[i], (long)(rounds + warm) * bytes);
      exit(1);
    }
  }
  qsort(took, rounds, sizeof(double), by_value);
  int p99 = (int)((rounds * 99 + 99) / 100) - 1;
  send1(control, 'q');
  /* The server's CPU follows on the control socket, so one line says it all. */
  double server_cpu;
  if (read(control, &server_cpu, sizeof server_cpu) != sizeof server_cpu) fail("server cpu");
  printf("{\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"serverCpuMsPerRound\":%.2f,\"clientCpuMsPerRound\":%.2f}\n",
         took[(rounds - 1) / 2], took[p99 < 0 ? 0 : p99], server_cpu, cpu);
}

static void server(int control, int listener, int n, int bytes, int warm) {
  int *fds = malloc(sizeof(int) * n);
  int one = 1;
  recv1(control);
  for (int i = 0; i < n; i++) {
    fds[i] = accept(listener, NULL, NULL);
    if (fds[i] < 0) fail("accept");
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  char *message = malloc(bytes);
  memset(message, 'x', bytes);
  send1(control, 'a');
  double cpu_start = cpu_ms();
  int round = 0;
  char c;
  while ((c = recv1(control)) == 'g') {
    if (round++ == warm) cpu_start = cpu_ms();
    for (int i = 0; i < n; i++)
      if (send(fds[i], message, bytes, 0) != bytes) fail("send");
  }
  double cpu = (cpu_ms() - cpu_start) / (round - warm);
  if (write(control, &cpu, sizeof cpu) != sizeof cpu) fail("control write");
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: fanout <sockets> <rounds> <bytes> <warm-up rounds>\n");
    return 2;
  }
  int n = atoi(argv[1]), rounds = atoi(argv[2]), bytes = atoi(argv[3]), warm = atoi(argv[4]);
  if (n < 1 || rounds < 1 || bytes < 1 || warm < 0) {
    fprintf(stderr, "fanout: sockets, rounds and bytes must be positive\n");
    return 2;
  }
  /* Each process holds n sockets: as many descriptors as the hard limit allows. */
  struct rlimit files;
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < (rlim_t)n + 16) {
    fprintf(stderr, "fanout: %d sockets need more open files than the limit, %ld\n", n, (long)files.rlim_cur);
    return 1;
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  socklen_t length = sizeof at;
  if (bind(listener, (struct sockaddr *)&at, sizeof at) != 0 || listen(listener, 4096) != 0 ||
      getsockname(listener, (struct sockaddr *)&at, &length) != 0)
    fail("listen");
  int control[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, control) != 0) fail("socketpair");
  pid_t child = fork();
  if (child < 0) fail("fork");
  if (child == 0) {
    close(control[0]);
    close(listener);
    client(control[1], &at, n, rounds, bytes, warm);
    return 0;
  }
  close(control[1]);
  server(control[0], listener, n, bytes, warm);
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
