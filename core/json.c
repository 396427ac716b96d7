/* rctr - JSON through yajl; see json.h.  */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/json.h"
#include "core/util.h"

/* A node is a yajl_val: the opaque type is only ever cast back here. */
static yajl_val
val (const struct rctr_json *v)
{
  return (yajl_val) v;
}

int
rctr_json_parse (const char *text, size_t len, const char *name, struct rctr_json **ret, rctr_error_t *err)
{
  cleanup_free char *copy = NULL;
  char msg[256] = "";
  yajl_val root;

  /* yajl reads up to the NUL: one inside would end the text early.  */
  if (memchr (text, '\0', len))
    return rctr_make_error (err, 0, "%s: not JSON (a NUL byte)", name);
  copy = xstrndup (text, len);
  root = yajl_tree_parse (copy, msg, sizeof (msg));
  if (root == NULL)
    {
      msg[strcspn (msg, "\n")] = '\0';
      return rctr_make_error (err, 0, "%s: not JSON: %s", name, msg[0] ? msg : "parse error");
    }
  *ret = (struct rctr_json *) root;
  return 0;
}

void
rctr_json_free (struct rctr_json *root)
{
  if (root)
    yajl_tree_free (val (root));
}

bool
rctr_json_is_object (const struct rctr_json *v)
{
  return v && YAJL_IS_OBJECT (val (v));
}

bool
rctr_json_is_array (const struct rctr_json *v)
{
  return v && YAJL_IS_ARRAY (val (v));
}

bool
rctr_json_is_string (const struct rctr_json *v)
{
  return v && YAJL_IS_STRING (val (v));
}

bool
rctr_json_is_null (const struct rctr_json *v)
{
  return v && YAJL_IS_NULL (val (v));
}

const struct rctr_json *
rctr_json_get (const struct rctr_json *obj, const char *key)
{
  size_t i;

  if (!rctr_json_is_object (obj))
    return NULL;
  for (i = 0; i < val (obj)->u.object.len; i++)
    if (strcmp (val (obj)->u.object.keys[i], key) == 0)
      return (const struct rctr_json *) val (obj)->u.object.values[i];
  return NULL;
}

const char *
rctr_json_string (const struct rctr_json *v)
{
  return rctr_json_is_string (v) ? YAJL_GET_STRING (val (v)) : NULL;
}

bool
rctr_json_u64 (const struct rctr_json *v, uint64_t *ret)
{
  const char *text;
  char *end;
  unsigned long long n;

  /* From the number's text: yajl keeps integers above 2^63-1 only as
     doubles, and masks go up to 2^64-1.  */
  if (v == NULL || !YAJL_IS_NUMBER (val (v)))
    return false;
  text = YAJL_GET_NUMBER (val (v));
  if (text == NULL || text[0] < '0' || text[0] > '9')
    return false;
  errno = 0;
  n = strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *ret = (uint64_t) n;
  return true;
}

size_t
rctr_json_array_len (const struct rctr_json *v)
{
  return rctr_json_is_array (v) ? val (v)->u.array.len : 0;
}

const struct rctr_json *
rctr_json_array_at (const struct rctr_json *v, size_t i)
{
  if (i >= rctr_json_array_len (v))
    return NULL;
  return (const struct rctr_json *) val (v)->u.array.values[i];
}
