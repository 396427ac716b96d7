/* rctr - JSON, read through yajl's tree API.
 *
 * The one place that knows the JSON library: everything else holds opaque
 * nodes and asks for typed values, so the library can be swapped.
 */
#ifndef RCTR_JSON_H
#define RCTR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct rctr_json; /* a node; the root owns the tree */

/* Parse TEXT (LEN bytes; NUL bytes inside are refused).  NAME is for messages. */
int rctr_json_parse (const char *text, size_t len, const char *name, struct rctr_json **ret,
                     rctr_error_t *err);
void rctr_json_free (struct rctr_json *root);

bool rctr_json_is_object (const struct rctr_json *v);
bool rctr_json_is_array (const struct rctr_json *v);
bool rctr_json_is_string (const struct rctr_json *v);
bool rctr_json_is_null (const struct rctr_json *v);

/* The member KEY of object OBJ; NULL when OBJ is no object or has none. */
const struct rctr_json *rctr_json_get (const struct rctr_json *obj, const char *key);
/* The string, or NULL when V is no string. */
const char *rctr_json_string (const struct rctr_json *v);
/* A non-negative integer up to 2^64-1; false when V is anything else. */
bool rctr_json_u64 (const struct rctr_json *v, uint64_t *ret);

size_t rctr_json_array_len (const struct rctr_json *v); /* 0 when V is no array */
const struct rctr_json *rctr_json_array_at (const struct rctr_json *v, size_t i);

#endif
