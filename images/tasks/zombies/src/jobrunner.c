// A job runner that starts jobs and never waits for them: every finished job stays a zombie.
#include <unistd.h>

int main(void) {
    for (int made = 0;; made++) {
        if (made < 150) {
            pid_t pid = fork();
            if (pid == 0) _exit(0);
        }
        usleep(made < 10 ? 50000 : 400000);
    }
}
