/*
 * cmd_user.c — `khabar user add|list|passwd|disable|enable` and `khabar token
 * create|revoke`: the newsroom's accounts from the command line (docs/newsroom.md).
 *
 * Passwords are read from stdin, one line (without its line end), so they never appear in
 * the process list or the shell history; a password shorter than KB_PASSWORD_MIN
 * characters is refused.  A new API token is printed once on stdout and only its hash is
 * kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "khabar/newsroom.h"

static int open_store(const char *cmd, struct kb_store **s)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_CREATE, s, &d) != 0) {
        cmd_error_store(cmd, &d);
        return -1;
    }
    return 0;
}

/* One line from stdin into buf (line end removed).  -1 when none or too long. */
static int read_password(const char *cmd, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, stdin)) {
        cmd_error(cmd, "password", "expected one line on stdin");
        return -1;
    }
    size_t n = strlen(buf);
    if (n == cap - 1 && buf[n - 1] != '\n') {
        cmd_error(cmd, "password", "longer than %d bytes", KB_PASSWORD_MAX);
        return -1;
    }
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_password_check(buf, &d) != 0) {
        cmd_error(cmd, "password", "%s", d.msg);
        return -1;
    }
    return 0;
}

static int hash_stdin_password(const char *cmd, char hash[KB_PWHASH_LEN])
{
    char pw[KB_PASSWORD_MAX + 2];
    if (read_password(cmd, pw, sizeof(pw)) != 0)
        return -1;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_password_hash(pw, KB_PW_INTERACTIVE, hash, &d);
    memset(pw, 0, sizeof(pw));
    if (rc) {
        cmd_error(cmd, "password", "%s", d.msg);
        return -1;
    }
    return 0;
}

static void user_help(FILE *f)
{
    fputs("usage: khabar user add NAME --role ROLE     (password: one line on stdin)\n"
          "       khabar user list\n"
          "       khabar user passwd NAME             (new password on stdin)\n"
          "       khabar user disable NAME | enable NAME\n\n"
          "Roles: admin (everything, users), editor (publishes anything, sections), author\n"
          "(writes and submits own articles), contributor (drafts only).  Passwords need at\n"
          "least 10 characters.  Disabling a user ends their sessions.  Authors brought in by\n"
          "`khabar import wxr` have no password and cannot sign in until `user passwd` sets one.\n",
          f);
}

static int user_add(struct kb_store *s, int argc, char **argv)
{
    const char *name = NULL, *role_s = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role_s = argv[++i];
        else if (strncmp(argv[i], "--role=", 7) == 0)
            role_s = argv[i] + 7;
        else if (!name && argv[i][0] != '-')
            name = argv[i];
        else {
            user_help(stderr);
            return EXIT_USAGE;
        }
    }
    if (!name || !role_s) {
        user_help(stderr);
        return EXIT_USAGE;
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    enum kb_role role;
    if (kb_role_parse(role_s, &role, &d) != 0 || kb_user_name_check(name, &d) != 0) {
        cmd_error_diag("user", name, &d);
        return EXIT_USAGE;
    }
    char hash[KB_PWHASH_LEN];
    if (hash_stdin_password("user", hash) != 0)
        return EXIT_FAIL;
    int64_t id;
    if (kb_store_user_add(s, name, role, hash, (int64_t)time(NULL), &id, &d) != 0) {
        cmd_error_diag("user", name, &d);
        return EXIT_FAIL;
    }
    printf("user %s added (%s, id %lld)\n", name, kb_role_name(role), (long long)id);
    return EXIT_OK;
}

static int find_user(struct kb_store *s, const char *name, struct kb_user *u)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_user_get(s, name, 0, u, &d) != 0) {
        cmd_error("user", name, "%s", d.code == KB_ENOTFOUND ? "no such user" : d.msg);
        return -1;
    }
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        user_help(stdout);
        return EXIT_OK;
    }
    if (argc < 2) {
        user_help(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    bool known = !strcmp(sub, "add") || !strcmp(sub, "list") || !strcmp(sub, "passwd") ||
                 !strcmp(sub, "disable") || !strcmp(sub, "enable");
    if (!known || (strcmp(sub, "add") && strcmp(sub, "list") && argc != 3) ||
        (!strcmp(sub, "list") && argc != 2)) {
        user_help(stderr);
        return EXIT_USAGE;
    }
    struct kb_store *s;
    if (open_store("user", &s) != 0)
        return EXIT_FAIL;
    int status = EXIT_OK;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (!strcmp(sub, "add")) {
        status = user_add(s, argc, argv);
    } else if (!strcmp(sub, "list")) {
        struct kb_user *v;
        size_t n;
        if (kb_store_user_list(s, &v, &n, &d) != 0) {
            cmd_error_store("user", &d);
            status = EXIT_FAIL;
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%s\t%s\t%s\n", v[i].name, kb_role_name(v[i].role),
                       v[i].disabled ? "disabled" : "active");
            kb_users_free(v, n);
        }
    } else {
        struct kb_user u = {0};
        if (find_user(s, argv[2], &u) != 0) {
            status = EXIT_FAIL;
        } else if (!strcmp(sub, "passwd")) {
            char hash[KB_PWHASH_LEN];
            if (hash_stdin_password("user", hash) != 0 ||
                kb_store_user_set_password(s, u.id, hash, &d) != 0) {
                if (d.code)
                    cmd_error_diag("user", argv[2], &d);
                status = EXIT_FAIL;
            } else {
                printf("password of %s changed\n", u.name);
            }
        } else {
            bool off = !strcmp(sub, "disable");
            if (kb_store_user_set_disabled(s, u.id, off, &d) != 0) {
                cmd_error_diag("user", argv[2], &d);
                status = EXIT_FAIL;
            } else {
                printf("user %s %s\n", u.name, off ? "disabled (sessions ended)" : "enabled");
            }
        }
        kb_user_release(&u);
    }
    kb_store_close(s);
    return status;
}

static void token_help(FILE *f)
{
    fputs("usage: khabar token create --user NAME [--role ROLE]\n"
          "       khabar token revoke ID\n\n"
          "create prints a new API token once on stdout (send it as `Authorization: Bearer\n"
          "TOKEN`); only its hash is stored.  The token acts with its user's role, or with\n"
          "--role when that is lower.  revoke takes the id printed at creation.\n",
          f);
}

int cmd_token(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        token_help(stdout);
        return EXIT_OK;
    }
    const char *user = NULL, *role_s = NULL;
    bool create = argc >= 2 && !strcmp(argv[1], "create");
    bool revoke = argc == 3 && !strcmp(argv[1], "revoke");
    for (int i = 2; create && i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(argv[i], "--role") && i + 1 < argc)
            role_s = argv[++i];
        else
            create = false;
    }
    long long rid = 0;
    char *end = NULL;
    if (revoke) {
        rid = strtoll(argv[2], &end, 10);
        revoke = end && !*end && rid > 0;
    }
    if ((!create || !user) && !revoke) {
        token_help(stderr);
        return EXIT_USAGE;
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    enum kb_role role;
    if (role_s && kb_role_parse(role_s, &role, &d) != 0) {
        cmd_error_diag("token", "--role", &d);
        return EXIT_USAGE;
    }
    struct kb_store *s;
    if (open_store("token", &s) != 0)
        return EXIT_FAIL;
    int status = EXIT_OK;
    int64_t now = (int64_t)time(NULL);
    if (revoke) {
        if (kb_store_token_revoke(s, rid, now, &d) != 0) {
            cmd_error("token", argv[2], "%s", d.msg);
            status = EXIT_FAIL;
        } else {
            printf("token %lld revoked\n", rid);
        }
    } else {
        struct kb_user u = {0};
        if (kb_store_user_get(s, user, 0, &u, &d) != 0) {
            cmd_error("token", user, "%s", d.code == KB_ENOTFOUND ? "no such user" : d.msg);
            status = EXIT_FAIL;
        } else {
            char tok[KB_SECRET_LEN], hash[KB_SHA256_HEX];
            kb_secret_new("kbt_", tok);
            kb_secret_hash(tok, strlen(tok), hash);
            int64_t id;
            if (kb_store_token_add(s, u.id, hash, role_s ? &role : NULL, now, &id, &d) != 0) {
                cmd_error_store("token", &d);
                status = EXIT_FAIL;
            } else {
                printf("%s\n", tok);
                fprintf(
                    stderr, "khabar: token: token %lld for %s (%s); it is shown only this once\n",
                    (long long)id, u.name, kb_role_name(role_s && role < u.role ? role : u.role));
            }
        }
        kb_user_release(&u);
    }
    kb_store_close(s);
    return status;
}
