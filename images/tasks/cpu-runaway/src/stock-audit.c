// stock-audit [--continuous] [STORE]: checks every record of the stock store once, or, with
// --continuous, scans again and again until it is stopped.
#include "store.h"
#include <sys/resource.h>

int main(int argc, char **argv) {
    int continuous = 0;
    const char *store = "/srv/inventory/stock.db";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--continuous")) continuous = 1;
        else if (argv[i][0] == '-') { fprintf(stderr, "usage: stock-audit [--continuous] [STORE]\n"); return 2; }
        else store = argv[i];
    }
    setpriority(PRIO_PROCESS, 0, 10);   // a background job: it gives way to the rest
    int fd = open(store, O_RDONLY | O_CLOEXEC);
    if (fd == -1) die(store);
    if (continuous) scan_continuously(fd);
    long bad = scan_once(fd);
    printf("stock-audit: %s: %s\n", store, bad ? "damaged records found" : "all records valid");
    if (bad) printf("stock-audit: %ld damaged records\n", bad);
    return bad ? 1 : 0;
}
