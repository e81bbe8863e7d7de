// ledger: appends one transaction record to its journal ten times a second, each under an exclusive
// flock(2) of the journal (other tools take a shared one to read it whole) and synced with
// fdatasync(2), and reports four times a second in its status file how its writes went:
//   ok|slow EPOCH worst=MSms waiting=MSms writes=N
// worst: the longest write of the last four seconds, a write still waiting counted with the time it
// has waited so far; waiting: how long the write in flight has waited (0: none); writes: all done.
// Slow means a write of two seconds or more: a few milliseconds is usual, even a loaded disk's worst
// stays well under a second.
//   usage: ledger [JOURNAL [STATUS]]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 4.0
#define SLOW_MS 2000
#define RING 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double done_at[RING], took[RING];
static int ring_next;
static double waiting_since; // 0: no write in flight
static unsigned long writes;
static const char *status_path;

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static void *reporter(void *unused) {
  (void)unused;
  char tmp[4096], line[128];
  snprintf(tmp, sizeof tmp, "%s.tmp", status_path);
  for (;;) {
    double now = mono(), worst = 0, waiting = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < RING; i++)
      if (done_at[i] > 0 && now - done_at[i] <= WINDOW && took[i] > worst) worst = took[i];
    if (waiting_since > 0) waiting = now - waiting_since;
    if (waiting > worst) worst = waiting;
    unsigned long n = writes;
    pthread_mutex_unlock(&mu);
    long ms = (long)(worst * 1000);
    int len = snprintf(line, sizeof line, "%s %ld worst=%ldms waiting=%ldms writes=%lu\n",
                       ms >= SLOW_MS ? "slow" : "ok", (long)time(NULL), ms, (long)(waiting * 1000), n);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      if (write(fd, line, len) == len && close(fd) == 0) rename(tmp, status_path);
      else close(fd);
    }
    pause_ms(250);
  }
  return NULL;
}

// The sequence number after the journal's last record.
static unsigned long next_seq(const char *path) {
  char buf[512];
  unsigned long seq = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 1;
  off_t end = lseek(fd, 0, SEEK_END);
  off_t from = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
  ssize_t n = pread(fd, buf, sizeof buf - 1, from);
  close(fd);
  if (n <= 0) return 1;
  buf[n] = 0;
  while (n > 0 && buf[n - 1] == '\n') buf[--n] = 0;
  char *last = strrchr(buf, '\n');
  sscanf(last ? last + 1 : buf, "%lu", &seq);
  return seq + 1;
}

int main(int argc, char **argv) {
  const char *journal = argc > 1 ? argv[1] : "/srv/ledger/journal";
  status_path = argc > 2 ? argv[2] : "/run/ledger/status";
  unsigned long seq = next_seq(journal);
  int fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    fprintf(stderr, "ledger: %s: %s\n", journal, strerror(errno));
    return 1;
  }
  srandom(time(NULL) ^ getpid());
  pthread_t thread;
  pthread_create(&thread, NULL, reporter, NULL);
  fprintf(stderr, "ledger: appending to %s from record %lu\n", journal, seq);
  for (;; seq++) {
    char record[128];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int len = snprintf(record, sizeof record, "%lu %ld.%03ld txn=%08lx amount=%ld\n", seq, (long)now.tv_sec,
                       now.tv_nsec / 1000000, (unsigned long)random(), random() % 100000);
    double start = mono();
    pthread_mutex_lock(&mu);
    waiting_since = start;
    pthread_mutex_unlock(&mu);
    int ok = flock(fd, LOCK_EX) == 0 && write(fd, record, len) == len && fdatasync(fd) == 0;
    if (!ok) fprintf(stderr, "ledger: record %lu: %s\n", seq, strerror(errno));
    flock(fd, LOCK_UN);
    double end = mono();
    pthread_mutex_lock(&mu);
    waiting_since = 0;
    done_at[ring_next] = end;
    took[ring_next] = end - start;
    ring_next = (ring_next + 1) % RING;
    if (ok) writes++;
    pthread_mutex_unlock(&mu);
    pause_ms(100);
  }
}
