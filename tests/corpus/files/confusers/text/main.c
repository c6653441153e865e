#include <stdio.h>
#include <string.h>

static int count_words(const char *s) {
    int n = 0, in = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n') in = 0;
        else if (!in) { in = 1; n++; }
    }
    return n;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("%s: %d\n", argv[i], count_words(argv[i]));
    return 0;
}
