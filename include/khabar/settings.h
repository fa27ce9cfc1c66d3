/*
 * settings.h — the site's settings: which keys exist, their defaults, and which values are
 * valid.  The store keeps them as strings (kb_store_setting_get/put); this module is the one
 * place that knows what they mean, so `khabar config` can refuse a bad value before it is
 * stored and pages.c can trust what it reads.
 */
#ifndef KHABAR_SETTINGS_H
#define KHABAR_SETTINGS_H

#include <stddef.h>
#include "khabar/err.h"

struct kb_setting_def {
    const char *key;      /* "site.months" */
    const char *def;      /* the default, as a string */
    const char *help;     /* one line for `khabar config` */
};

/* The known settings, in a stable order: kb_settings_at(0 .. count-1). */
size_t kb_settings_count(void);
const struct kb_setting_def *kb_settings_at(size_t i);

/* The definition of `key`, or NULL when it is not a known setting. */
const struct kb_setting_def *kb_setting_def(const char *key);

/* Check `value` for `key`: KB_ENOTFOUND for an unknown key, KB_EINVAL naming the key and the
 * accepted values otherwise. */
KB_MUST_CHECK int kb_setting_check(const char *key, const char *value, struct kb_diag *d);

#endif
