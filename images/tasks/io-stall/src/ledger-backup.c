// ledger-backup: copies the ledger's journal to a backup file, under a shared flock(2) of the journal
// so that no record is half-written in the copy, 64 KiB at a time, each synced to disk, pausing
// between them to spare the disk. With --loop it copies again and again, half a second apart.
// A name in brackets as argv[0] becomes the process's name too.
//   usage: ledger-backup [--loop] [JOURNAL [COPY]]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static int copy(const char *journal, const char *dest) {
  static char buf[CHUNK];
  int in = open(journal, O_RDONLY | O_CLOEXEC);
  if (in < 0) return fprintf(stderr, "ledger-backup: %s: %s\n", journal, strerror(errno)), 1;
  flock(in, LOCK_SH);
  int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return fprintf(stderr, "ledger-backup: %s: %s\n", dest, strerror(errno)), close(in), 1;
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, n) != n || fdatasync(out) != 0) {
      fprintf(stderr, "ledger-backup: %s: %s\n", dest, strerror(errno));
      break;
    }
    pause_ms(60);
  }
  close(out);
  close(in);
  return 0;
}

int main(int argc, char **argv) {
  if (argv[0][0] == '[') {
    char name[16] = {0};
    strncpy(name, argv[0] + 1, sizeof name - 1);
    name[strcspn(name, "]-")] = 0;
    prctl(PR_SET_NAME, name);
  }
  int loop = argc > 1 && strcmp(argv[1], "--loop") == 0;
  const char *journal = argc > 1 + loop ? argv[1 + loop] : "/srv/ledger/journal";
  const char *dest = argc > 2 + loop ? argv[2 + loop] : "/var/backups/ledger/journal.copy";
  do {
    if (copy(journal, dest) != 0 && !loop) return 1;
    if (loop) pause_ms(500);
  } while (loop);
  return 0;
}
