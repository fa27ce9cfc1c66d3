/*
 * stem_en.c — English stems for Latin words, through Snowball's English (Porter2) stemmer
 * from libstemmer.
 *
 * A Snowball stemmer object is not thread-safe, so each thread gets its own, created on
 * first use and freed when the thread exits (a pthread key with a destructor; the main
 * thread's stays reachable until the process ends).  Porter2 is not idempotent
 * ("agreed" → "agre" → "agr"), and the analyzer promises that analyzing a term gives the
 * term back, so the stemmer is applied until the word stops changing (two rounds at most in
 * practice, one per letter for words like "eeeee").
 */
#include <libstemmer.h>
#include <pthread.h>
#include <string.h>
#include "analyzer_int.h"

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ok;

static void free_stemmer(void *p)
{
    sb_stemmer_delete(p);
}

static void make_key(void)
{
    key_ok = pthread_key_create(&key, free_stemmer) == 0;
}

static struct sb_stemmer *stemmer(void)
{
    pthread_once(&key_once, make_key);
    if (!key_ok)
        return NULL;
    struct sb_stemmer *s = pthread_getspecific(key);
    if (!s) {
        s = sb_stemmer_new("english", "UTF_8");
        if (s && pthread_setspecific(key, s) != 0) {
            sb_stemmer_delete(s);
            s = NULL;
        }
    }
    return s;
}

size_t kb_stem_en(const char *word, size_t n, char *out)
{
    memcpy(out, word, n);
    struct sb_stemmer *s = stemmer();
    if (!s)
        return n;
    /* A round that changes the word shortens it (or, once, turns y into i), so n + 2 rounds
     * always reach the fixed point: "eeeee" loses one e per round. */
    for (size_t round = 0, rounds = n + 2; round < rounds; round++) {
        const sb_symbol *r = sb_stemmer_stem(s, (const sb_symbol *)out, (int)n);
        int len = sb_stemmer_length(s);
        if (!r || len < 0 || (size_t)len > n)
            return n;
        if ((size_t)len == n && memcmp(r, out, n) == 0)
            break;
        memcpy(out, r, (size_t)len);
        n = (size_t)len;
    }
    return n;
}
