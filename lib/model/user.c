/*
 * user.c — roles, name and password rules, Argon2id password hashes and random secrets
 * (user.h), on libsodium.
 *
 * sodium_init() is called before every use (it is idempotent and thread-safe); if it ever
 * fails the process cannot make secrets safely, so that aborts through kb_oom's path.
 */
#include <string.h>
#include <sodium.h>
#include "khabar/buf.h"
#include "khabar/user.h"
#include "khabar/utf8.h"

static void ensure_sodium(void)
{
    if (sodium_init() < 0)
        kb_oom(); /* no randomness: nothing safe can be done */
}

static const char *const role_names[] = {
    [KB_ROLE_CONTRIBUTOR] = "contributor",
    [KB_ROLE_AUTHOR] = "author",
    [KB_ROLE_EDITOR] = "editor",
    [KB_ROLE_ADMIN] = "admin",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *kb_role_name(enum kb_role r)
{
    return (unsigned)r < NROLES ? role_names[r] : "contributor";
}

int kb_role_parse(const char *name, enum kb_role *out, struct kb_diag *d)
{
    for (size_t i = 0; name && i < NROLES; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *out = (enum kb_role)i;
            return 0;
        }
    }
    return kb_diag_set(d, KB_EINVAL, "role",
                       "unknown role \"%.40s\" (admin, editor, author, "
                       "contributor)",
                       name ? name : "");
}

int kb_user_name_check(const char *name, struct kb_diag *d)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return kb_diag_set(d, KB_EINVAL, "name", "is empty");
    if (n > KB_USER_NAME_MAX)
        return kb_diag_set(d, KB_EINVAL, "name", "longer than %d bytes", KB_USER_NAME_MAX);
    if (!kb_utf8_valid(name, n))
        return kb_diag_set(d, KB_EINVAL, "name", "is not valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c == 0x7f || c == '/' || c == ':' || c == '"' || c == '\\')
            return kb_diag_set(d, KB_EINVAL, "name",
                               "may not hold spaces, control characters, '/', ':', '\"' or '\\'");
    }
    return 0;
}

int kb_password_check(const char *pw, struct kb_diag *d)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n == 0)
        return kb_diag_set(d, KB_EINVAL, "password", "is empty");
    if (n > KB_PASSWORD_MAX)
        return kb_diag_set(d, KB_EINVAL, "password", "longer than %d bytes", KB_PASSWORD_MAX);
    if (!kb_utf8_valid(pw, n))
        return kb_diag_set(d, KB_EINVAL, "password", "is not valid UTF-8");
    if (kb_utf8_count(pw, n) < KB_PASSWORD_MIN)
        return kb_diag_set(d, KB_EINVAL, "password", "is too short: at least %d characters",
                           KB_PASSWORD_MIN);
    return 0;
}

int kb_password_hash(const char *pw, enum kb_pw_cost cost, char out[KB_PWHASH_LEN],
                     struct kb_diag *d)
{
    ensure_sodium();
    char tmp[crypto_pwhash_STRBYTES];
    unsigned long long ops =
        cost == KB_PW_WEAK ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem =
        cost == KB_PW_WEAK ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str(tmp, pw, strlen(pw), ops, mem) != 0)
        return kb_diag_set(d, KB_ENOMEM, "password", "not enough memory to hash the password");
    _Static_assert(crypto_pwhash_STRBYTES <= KB_PWHASH_LEN, "KB_PWHASH_LEN too small");
    memcpy(out, tmp, sizeof(tmp));
    out[KB_PWHASH_LEN - 1] = '\0';
    return 0;
}

bool kb_password_verify(const char *hash, const char *pw)
{
    ensure_sodium();
    if (!hash || !pw || strlen(hash) >= crypto_pwhash_STRBYTES)
        return false;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool kb_password_needs_rehash(const char *hash)
{
    ensure_sodium();
    return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

void kb_password_burn(const char *pw)
{
    /* A hash of a password nobody has, made once; verifying against it costs what a real
     * verification costs. */
    static char dummy[KB_PWHASH_LEN];
    static int made;
    ensure_sodium();
    if (!__atomic_load_n(&made, __ATOMIC_ACQUIRE)) {
        char tmp[KB_PWHASH_LEN];
        char pwr[KB_SECRET_LEN];
        kb_secret_new("", pwr);
        if (kb_password_hash(pwr, KB_PW_INTERACTIVE, tmp, NULL) != 0)
            return;
        memcpy(dummy, tmp, sizeof(dummy)); /* identical bytes whichever thread wins */
        __atomic_store_n(&made, 1, __ATOMIC_RELEASE);
    }
    (void)kb_password_verify(dummy, pw ? pw : "");
}

void kb_secret_new(const char *prefix, char out[KB_SECRET_LEN])
{
    ensure_sodium();
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    size_t p = prefix ? strlen(prefix) : 0;
    if (p > 8)
        p = 8;
    memcpy(out, prefix, p);
    sodium_bin2base64(out + p, KB_SECRET_LEN - p, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

void kb_secret_hash(const char *s, size_t n, char out[KB_SHA256_HEX])
{
    ensure_sodium();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, n);
    sodium_bin2hex(out, KB_SHA256_HEX, h, sizeof(h));
}

bool kb_secret_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return n == 0 || sodium_memcmp(a, b, n) == 0;
}
