// catalog-worker: renders product pages from the catalog feed, pushes them to the search index in
// batches of batch_size, and keeps the last cache_max_entries pages it pushed in a cache (0: no limit).
// Its settings: /etc/catalog-worker/worker.conf, then /etc/catalog-worker/conf.d/*.conf in order
// (a later file wins). Its counters: /run/catalog-worker/status, and a line on stdout every 5 s.
// The feed is synthetic: 1024 pages a second of 64 KiB each, so every page kept costs 64 KiB.
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE_BYTES (64 * 1024)
#define TICKS_PER_SECOND 16
#define PAGES_PER_TICK 64
#define MAIN_CONF "/etc/catalog-worker/worker.conf"
#define DROP_INS "/etc/catalog-worker/conf.d/*.conf"
#define STATUS "/run/catalog-worker/status"

static unsigned long cache_max = 500, batch_size = 100;
static char files[1024];

static void say(const char *fmt, ...) {
  char when[32];
  time_t now = time(NULL);
  strftime(when, sizeof when, "%F %T", localtime(&now));
  printf("%s catalog-worker: ", when);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r')) *--end = 0;
  return s;
}

static void read_conf(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    say("cannot read %s: %s", path, strerror(errno));
    return;
  }
  if (strlen(files) + strlen(path) + 3 < sizeof files) {
    if (*files) strcat(files, ", ");
    strcat(files, path);
  }
  char line[512];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    n++;
    char *s = trim(line);
    if (!*s || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      say("%s:%d: not a setting, ignored: %s", path, n, s);
      continue;
    }
    *eq = 0;
    char *key = trim(s), *value = trim(eq + 1), *end;
    errno = 0;
    unsigned long v = strtoul(value, &end, 10);
    int number = *value && !*end && !errno && *value != '-';
    if (!strcmp(key, "cache_max_entries") && number) cache_max = v;
    else if (!strcmp(key, "batch_size") && number && v > 0) batch_size = v;
    else if (!strcmp(key, "cache_max_entries") || !strcmp(key, "batch_size"))
      say("%s:%d: %s must be a whole number%s, ignored: %s", path, n, key, *key == 'b' ? " above 0" : "", value);
    else if (strcmp(key, "index") && strcmp(key, "feed"))
      say("%s:%d: unknown setting, ignored: %s", path, n, key);
  }
  fclose(f);
}

// A list of pages: a growing array (no limit), or a ring of `max` pages whose oldest is dropped.
struct pages {
  char **page;
  unsigned long first, count, size, max;
};

static void push(struct pages *p, char *page) {
  if (p->max && p->count == p->max) {
    free(p->page[p->first]);
    p->page[p->first] = page;
    p->first = (p->first + 1) % p->size;
    return;
  }
  if (p->count == p->size) {
    unsigned long size = p->size ? p->size * 2 : 1024;
    if (p->max && size > p->max) size = p->max;
    char **grown = realloc(p->page, size * sizeof *grown);
    if (!grown) {
      say("out of memory growing a list of %lu pages", size);
      exit(1);
    }
    p->page = grown;
    p->size = size;
  }
  p->page[(p->first + p->count++) % p->size] = page;
}

static void write_status(unsigned long processed, unsigned long cached, unsigned long pending, unsigned long batches) {
  FILE *f = fopen(STATUS ".tmp", "w");
  if (!f) return;
  fprintf(f, "ok pid=%ld processed=%lu cached=%lu pending=%lu batches_pushed=%lu at=%ld\n", (long)getpid(), processed,
          cached, pending, batches, (long)time(NULL));
  if (fclose(f) == 0) rename(STATUS ".tmp", STATUS);
}

int main(void) {
  read_conf(MAIN_CONF);
  glob_t drop_ins;
  if (glob(DROP_INS, 0, NULL, &drop_ins) == 0) {
    for (size_t i = 0; i < drop_ins.gl_pathc; i++) read_conf(drop_ins.gl_pathv[i]);
    globfree(&drop_ins);
  }
  say("version 2.4.1 starting: batch_size=%lu cache_max_entries=%lu%s (read %s)", batch_size, cache_max,
      cache_max ? "" : " (no limit)", *files ? files : "no configuration");

  // The ring of pending pages never needs more room than one batch; the cache, cache_max pages.
  struct pages pending = {0}, cache = {.max = cache_max};
  unsigned long processed = 0, batches = 0, checksum = 0;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  time_t last_log = time(NULL);
  for (unsigned long tick = 0;; tick++) {
    for (int i = 0; i < PAGES_PER_TICK; i++) {
      char *page = malloc(PAGE_BYTES);
      if (!page) {
        say("out of memory rendering page %lu", processed);
        exit(1);
      }
      memset(page, 'a' + processed % 26, PAGE_BYTES);
      snprintf(page, 64, "<h1>product %lu</h1>", processed);
      processed++;
      push(&pending, page);
      if (pending.count >= batch_size) {
        // Pushed to the search index; the pages go on into the cache.
        for (unsigned long j = 0; j < pending.count; j++) {
          char *done = pending.page[(pending.first + j) % pending.size];
          checksum += (unsigned char)done[PAGE_BYTES - 1];
          push(&cache, done);
        }
        pending.first = pending.count = 0;
        batches++;
      }
    }
    if (tick % 4 == 0) write_status(processed, cache.count, pending.count, batches);
    time_t now = time(NULL);
    if (now - last_log >= 5) {
      say("stats: processed=%lu cached=%lu pending=%lu batches_pushed=%lu", processed, cache.count, pending.count,
          batches);
      last_log = now;
    }
    next.tv_nsec += 1000000000L / TICKS_PER_SECOND;
    if (next.tv_nsec >= 1000000000L) next.tv_nsec -= 1000000000L, next.tv_sec++;
    // Behind by more than a second (a stopped or starved process): do not try to catch up.
    struct timespec now_mono;
    clock_gettime(CLOCK_MONOTONIC, &now_mono);
    if (now_mono.tv_sec > next.tv_sec + 1) next = now_mono;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
  }
}
