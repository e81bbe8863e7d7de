// inventory-api: the stock API. GET /stock/SKU-00042 answers "SKU-00042 17" from the store, and
// counts the hit there; GET /health answers "ok". Configuration: /etc/inventory/inventory.conf
// (or the file given as its argument), read once at start.
#include "store.h"
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>

static struct {
    int port, workers;
    long scan_interval;   // seconds between integrity scans; 0: back to back; -1: off
    char store[256];
} conf = {8080, 4, 3600, "/srv/inventory/stock.db"};

static int store_fd;

// The queue of accepted connections the workers take from.
#define QUEUE 64
static int queue[QUEUE], head, count;
static pthread_mutex_t queue_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;

static void read_conf(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char line[512], key[64], value[256];
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        if (sscanf(line, " %63[a-z_] = %255s", key, value) != 2) continue;
        if (!strcmp(key, "listen")) conf.port = atoi(value);
        else if (!strcmp(key, "workers")) conf.workers = atoi(value);
        else if (!strcmp(key, "store")) snprintf(conf.store, sizeof conf.store, "%s", value);
        else if (!strcmp(key, "scan_interval")) conf.scan_interval = !strcmp(value, "off") ? -1 : atol(value);
        else fprintf(stderr, "inventory-api: %s: unknown setting %s\n", path, key);
    }
    fclose(f);
    if (conf.workers < 1 || conf.workers > 32) conf.workers = 4;
}

static void answer(int fd, int status, const char *body) {
    char out[512];
    int n = snprintf(out, sizeof out, "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request", strlen(body), body);
    if (write(fd, out, n) < 0) { /* the client left */ }
}

static void serve(int fd) {
    char req[1024], method[8], path[256], body[128];
    struct timeval limit = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ssize_t n = read(fd, req, sizeof req - 1);
    if (n <= 0) return;
    req[n] = 0;
    if (sscanf(req, "%7s %255s", method, path) != 2 || strcmp(method, "GET")) return answer(fd, 400, "bad request\n");
    double start = now();
    int sku, end = 0;
    if (!strcmp(path, "/health")) {
        answer(fd, 200, "ok\n");
    } else if (sscanf(path, "/stock/SKU-%5d%n", &sku, &end) == 1 && path[end] == 0 && sku > 0) {
        char rec[RECORD + 1] = {0};
        off_t off = (off_t)(sku - 1) * RECORD;
        store_lock(RECORDS);
        ssize_t got = pread(store_fd, rec, RECORD, off);
        store_unlock(RECORDS);
        if (got != RECORD || !record_valid(rec) || atoi(rec + 4) != sku) return answer(fd, 404, "unknown SKU\n");
        // Count the hit in the store.
        store_lock(HITS);
        char hits[16] = {0};
        if (pread(store_fd, hits, 8, off + 16) == 8) {
            snprintf(hits, sizeof hits, "%08lu", (strtoul(hits, NULL, 10) + 1) % 100000000);
            if (pwrite(store_fd, hits, 8, off + 16) != 8) perror("inventory-api: pwrite");
        }
        store_unlock(HITS);
        rec[9] = 0;
        snprintf(body, sizeof body, "%s %d\n", rec, atoi(rec + 10));
        answer(fd, 200, body);
    } else {
        return answer(fd, 404, "not found\n");
    }
    fprintf(stderr, "GET %s %.3fs\n", path, now() - start);
}

static void *worker(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "http-%ld", (long)arg);
    pthread_setname_np(pthread_self(), name);
    for (;;) {
        pthread_mutex_lock(&queue_mutex);
        while (count == 0) pthread_cond_wait(&queue_ready, &queue_mutex);
        int fd = queue[head];
        head = (head + 1) % QUEUE, count--;
        pthread_mutex_unlock(&queue_mutex);
        serve(fd);
        close(fd);
    }
    return NULL;
}

static void *scanner(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "store-scan");
    setpriority(PRIO_PROCESS, gettid(), 10);   // a background job: it gives way to the requests
    if (conf.scan_interval == 0) scan_continuously(store_fd);
    for (;;) {
        sleep(conf.scan_interval);
        long bad = scan_once(store_fd);
        if (bad) fprintf(stderr, "inventory-api: store scan: %ld damaged records\n", bad);
    }
    return NULL;
}

int main(int argc, char **argv) {
    setvbuf(stderr, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    read_conf(argc > 1 ? argv[1] : "/etc/inventory/inventory.conf");
    if ((store_fd = open(conf.store, O_RDWR | O_CLOEXEC)) == -1) die(conf.store);
    long bad = scan_once(store_fd);
    if (bad) fprintf(stderr, "inventory-api: %s: %ld damaged records\n", conf.store, bad);

    int one = 1, listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(conf.port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) == -1) die("bind");
    if (listen(listener, 128) == -1) die("listen");

    pthread_t thread;
    for (long i = 1; i <= conf.workers; i++)
        if (pthread_create(&thread, NULL, worker, (void *)i)) die("pthread_create");
    if (conf.scan_interval >= 0 && pthread_create(&thread, NULL, scanner, NULL)) die("pthread_create");
    if (conf.scan_interval >= 0)
        fprintf(stderr, "inventory-api: listening on %d, %d workers, scanning the store every %lds\n", conf.port, conf.workers, conf.scan_interval);
    else
        fprintf(stderr, "inventory-api: listening on %d, %d workers, no store scan\n", conf.port, conf.workers);

    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd == -1) continue;
        pthread_mutex_lock(&queue_mutex);
        if (count == QUEUE) {
            pthread_mutex_unlock(&queue_mutex);
            close(fd);
            continue;
        }
        queue[(head + count++) % QUEUE] = fd;
        pthread_cond_signal(&queue_ready);
        pthread_mutex_unlock(&queue_mutex);
    }
}
