/*
 * user.h — newsroom users: roles, names, passwords, and the secrets that stand for a user
 * (API tokens, session ids, CSRF tokens).  lib/model/user.c, on libsodium.
 *
 * Roles, from least to most: contributor (drafts, submits for review), author (writes and
 * submits own articles; publishes own when the site allows), editor (publishes anything,
 * sections), admin (everything, users).  What each may do to an article is workflow.h's.
 *
 * Passwords are stored only as Argon2id strings from crypto_pwhash_str (the parameters are
 * inside the string, so a change of parameters is noticed by kb_password_needs_rehash and
 * the hash is upgraded at the next good login).  Tokens and session ids are 32 random bytes
 * written in base64url, shown once, and stored only as their SHA-256 (hex): a copy of the
 * database does not let anyone in.
 *
 * Thread-safe.  Out-parameters are written only on success.
 */
#ifndef KHABAR_USER_H
#define KHABAR_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/err.h"

enum kb_role {
    KB_ROLE_CONTRIBUTOR,
    KB_ROLE_AUTHOR,
    KB_ROLE_EDITOR,
    KB_ROLE_ADMIN,
};

const char *kb_role_name(enum kb_role r); /* "contributor", ... */
/* KB_EINVAL (naming the accepted roles) when `name` is not a role. */
KB_MUST_CHECK int kb_role_parse(const char *name, enum kb_role *out, struct kb_diag *d);

#define KB_USER_NAME_MAX 64
#define KB_PASSWORD_MIN 10   /* characters (code points) */
#define KB_PASSWORD_MAX 1024 /* bytes */

/* A user name: 1..KB_USER_NAME_MAX bytes of valid UTF-8 without spaces, controls, '/',
 * ':', '@' is allowed ("sara", "سارة", "s.ali").  KB_EINVAL with field "name". */
KB_MUST_CHECK int kb_user_name_check(const char *name, struct kb_diag *d);
/* A new password: at least KB_PASSWORD_MIN characters, at most KB_PASSWORD_MAX bytes, valid
 * UTF-8.  KB_EINVAL with field "password" and a reason for a human. */
KB_MUST_CHECK int kb_password_check(const char *pw, struct kb_diag *d);

/* Room for a crypto_pwhash_str string. */
#define KB_PWHASH_LEN 128

enum kb_pw_cost {
    KB_PW_INTERACTIVE, /* libsodium's interactive limits: what khabar stores */
    KB_PW_WEAK,        /* the minimum limits: only for tests of the rehash path */
};

/* Hash `pw` into out (NUL-terminated).  KB_ENOMEM when the memory for Argon2 is refused. */
KB_MUST_CHECK int kb_password_hash(const char *pw, enum kb_pw_cost cost, char out[KB_PWHASH_LEN],
                                   struct kb_diag *d);
/* True when `pw` matches `hash` (constant-time inside libsodium). */
bool kb_password_verify(const char *hash, const char *pw);
/* True when `hash` was made with other parameters than KB_PW_INTERACTIVE (or is not a
 * hash libsodium knows): hash the password again after a good login. */
bool kb_password_needs_rehash(const char *hash);
/* Verify against a fixed hash, to spend the same time when there is no such user. */
void kb_password_burn(const char *pw);

/* Secrets: 32 random bytes as base64url, with a prefix saying what they are for. */
#define KB_SECRET_LEN 64 /* room for prefix + 43 characters + NUL */
#define KB_SHA256_HEX 65 /* 64 hex digits + NUL */

/* A new random secret "<prefix><43 base64url chars>" (prefix at most 8 bytes: "kbt_" for
 * API tokens; "" for session ids and CSRF tokens). */
void kb_secret_new(const char *prefix, char out[KB_SECRET_LEN]);
/* SHA-256 of s[0..n) in lower-case hex. */
void kb_secret_hash(const char *s, size_t n, char out[KB_SHA256_HEX]);
/* Constant-time equality of two strings (lengths compared first). */
bool kb_secret_eq(const char *a, const char *b);

#endif
