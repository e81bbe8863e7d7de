// reportd: serves "reportd ok" over HTTP on the port its configuration names.
// Its configuration file is named after the machine id. Without it, it exits without a word.
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char id[64] = "", path[128], line[256];
    FILE *f = fopen("/etc/machine-id", "r");
    if (!f || !fgets(id, sizeof id, f)) return 2;
    fclose(f);
    id[8] = '\0';
    snprintf(path, sizeof path, "/etc/reportd/conf.d/%s.conf", id);
    f = fopen(path, "r");
    if (!f) return 3;
    int port = 0;
    while (fgets(line, sizeof line, f)) sscanf(line, " port = %d", &port);
    fclose(f);
    if (port <= 0) return 4;

    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) || listen(s, 16)) return 5;
    if (daemon(0, 0)) return 6;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        char request[1024];
        if (read(c, request, sizeof request) >= 0) {
            const char *reply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nreportd ok\n";
            if (write(c, reply, strlen(reply)) < 0) { /* the client left */ }
        }
        close(c);
    }
}
