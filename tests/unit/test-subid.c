/* Unit tests: /etc/subuid parsing and mapping construction (rootless/).  */
#include <config.h>

#include "core/util.h"
#include "rootless/idmap.h"
#include "rootless/subid.h"
#include "tests/unit/tap.h"

static void
test_parse (void)
{
  const char *text = "# comment\n"
                     "alice:100000:65536\n"
                     "bob:165536:65536\n"
                     "1003:231072:65536\n"
                     "alice:300000:10\n"
                     "broken line\n"
                     "carol:x:10\n"
                     "dave:5:0\n"
                     "erin:4294967295:2\n"
                     "frank:10:20\r\n";
  struct rctr_subid_range r[RCTR_SUBID_MAX_RANGES];
  int needs = 0;
  size_t n;

  n = rctr_subid_parse (text, 1001, "alice", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 2, "alice has two ranges");
  tap_ok (n == 2 && r[0].start == 100000 && r[0].count == 65536 && r[1].start == 300000 && r[1].count == 10,
          "alice's ranges in file order");
  n = rctr_subid_parse (text, 1003, NULL, r, RCTR_SUBID_MAX_RANGES, &needs);
  tap_ok (n == 1 && r[0].start == 231072, "a numeric owner matches the uid without a name lookup");
  tap_ok (needs, "names in the file are reported as needing a lookup");
  n = rctr_subid_parse (text, 2000, "carol", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 0, "a malformed start is skipped");
  n = rctr_subid_parse (text, 2000, "dave", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 0, "a count of 0 is skipped");
  n = rctr_subid_parse (text, 2000, "erin", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 0, "a range past 2^32 is skipped");
  n = rctr_subid_parse (text, 2000, "frank", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_ok (n == 1 && r[0].count == 20, "CRLF line ends are accepted");
  n = rctr_subid_parse (text, 2000, "zed", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 0, "an absent user has no range");
  n = rctr_subid_parse ("", 1, "x", r, RCTR_SUBID_MAX_RANGES, NULL);
  tap_is_int ((long long) n, 0, "an empty file has no range");
}

static void
test_build (void)
{
  struct rctr_subid_range one[] = { { 100000, 65536 } };
  struct rctr_subid_range two[] = { { 100000, 1000 }, { 500000, 100 } };
  struct rctr_idmap m;
  cleanup_free char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;

  rctr_idmap_build (&m, 0, 1001, one, 1);
  t1 = rctr_idmap_format (&m);
  tap_is_str (t1, "0 1001 1\n1 100000 65536\n", "auto: root is the user, 1.. the range");

  rctr_idmap_build (&m, 1001, 1001, one, 1);
  t2 = rctr_idmap_format (&m);
  tap_is_str (t2, "1001 1001 1\n1 100000 1000\n0 101000 1\n1002 101001 64535\n",
              "keep-id: the user is itself; only 0 and 1001 trade places with auto");

  rctr_idmap_build (&m, 0, 1001, two, 2);
  t3 = rctr_idmap_format (&m);
  tap_is_str (t3, "0 1001 1\n1 100000 1000\n1001 500000 100\n", "two ranges follow each other");

  rctr_idmap_build (&m, 0, 1002, NULL, 0);
  t4 = rctr_idmap_format (&m);
  tap_is_str (t4, "0 1002 1\n", "no range: the single id");
  tap_ok (rctr_idmap_has_inside (&m, 0) && !rctr_idmap_has_inside (&m, 5), "has_inside: 0 mapped, 5 not");
}

static void
test_modes (void)
{
  enum rctr_userns_mode m;

  tap_ok (rctr_userns_mode_parse ("auto", &m) == 0 && m == RCTR_USERNS_AUTO, "mode auto");
  tap_ok (rctr_userns_mode_parse ("single", &m) == 0 && m == RCTR_USERNS_SINGLE, "mode single");
  tap_ok (rctr_userns_mode_parse ("keep-id", &m) == 0 && m == RCTR_USERNS_KEEP_ID, "mode keep-id");
  tap_ok (rctr_userns_mode_parse ("host", &m) < 0, "mode host is refused");
}

int
main (void)
{
  test_parse ();
  test_build ();
  test_modes ();
  return tap_done ();
}
