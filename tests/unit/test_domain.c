/* test_domain.c -- the time and day arithmetic of the domain checks. */
#include "testutil.h"

static void times_parse_to_minutes_since_midnight(void **state) {
  (void)state;
  assert_int_equal(mg_time_parse("00:00"), 0);
  assert_int_equal(mg_time_parse("08:30"), 510);
  assert_int_equal(mg_time_parse("23:59"), 1439);
  /* what is not a time of the day */
  assert_int_equal(mg_time_parse("24:00"), -1);
  assert_int_equal(mg_time_parse("12:60"), -1);
  assert_int_equal(mg_time_parse("8:30"), -1);
  assert_int_equal(mg_time_parse("08:30 "), -1);
  assert_int_equal(mg_time_parse("08-30"), -1);
  assert_int_equal(mg_time_parse("0a:30"), -1);
  assert_int_equal(mg_time_parse(""), -1);
  assert_int_equal(mg_time_parse(NULL), -1);
}

static void times_format_back_as_written(void **state) {
  (void)state;
  char b[6];
  for (int m = 0; m < 24 * 60; m++) {
    mg_time_format(m, b);
    assert_int_equal(mg_time_parse(b), m);
  }
  mg_time_format(510, b);
  assert_string_equal(b, "08:30");
  mg_time_format(-1, b);
  assert_string_equal(b, "--:--");
  mg_time_format(24 * 60, b);
  assert_string_equal(b, "--:--");
}

static void days_count_in_a_leap_year(void **state) {
  (void)state;
  assert_int_equal(mg_month_day("01-01"), 0);
  assert_int_equal(mg_month_day("02-28"), 58);
  assert_int_equal(mg_month_day("02-29"), 59);
  assert_int_equal(mg_month_day("03-01"), 60);
  assert_int_equal(mg_month_day("12-31"), MG_LEAP_YEAR_DAYS - 1);
  /* days no year has */
  assert_int_equal(mg_month_day("02-30"), -1);
  assert_int_equal(mg_month_day("04-31"), -1);
  assert_int_equal(mg_month_day("13-01"), -1);
  assert_int_equal(mg_month_day("00-10"), -1);
  assert_int_equal(mg_month_day("01-00"), -1);
  assert_int_equal(mg_month_day("1-01"), -1);
  assert_int_equal(mg_month_day(NULL), -1);
  char b[6];
  for (int d = 0; d < MG_LEAP_YEAR_DAYS; d++) {
    mg_month_day_format(d, b);
    assert_int_equal(mg_month_day(b), d);
  }
  mg_month_day_format(59, b);
  assert_string_equal(b, "02-29");
}

static void cover_gap_finds_the_first_uncovered_stretch(void **state) {
  (void)state;
  int g0 = -1, g1 = -1;
  /* two shifts that overlap cover the day */
  int a[] = {480, 780}, b[] = {810, 1140};
  assert_int_equal(mg_cover_gap(a, b, 2, 510, 1080, &g0, &g1), 0);
  /* in any order, touching ends too */
  int a2[] = {720, 480}, b2[] = {1140, 720};
  assert_int_equal(mg_cover_gap(a2, b2, 2, 510, 1080, &g0, &g1), 0);
  /* a gap between them: from the end of one to the start of the next */
  int a3[] = {480, 780}, b3[] = {720, 1140};
  assert_int_equal(mg_cover_gap(a3, b3, 2, 510, 1080, &g0, &g1), 1);
  assert_int_equal(g0, 720);
  assert_int_equal(g1, 780);
  /* before the first and after the last */
  int a4[] = {600}, b4[] = {900};
  assert_int_equal(mg_cover_gap(a4, b4, 1, 510, 1080, &g0, &g1), 1);
  assert_int_equal(g0, 510);
  assert_int_equal(g1, 600);
  assert_int_equal(mg_cover_gap(a4, b4, 1, 600, 1080, &g0, &g1), 1);
  assert_int_equal(g0, 900);
  assert_int_equal(g1, 1080);
  /* nothing at all */
  assert_int_equal(mg_cover_gap(NULL, NULL, 0, 510, 1080, &g0, &g1), 1);
  assert_int_equal(g0, 510);
  assert_int_equal(g1, 1080);
  /* an empty stretch is covered */
  assert_int_equal(mg_cover_gap(NULL, NULL, 0, 600, 600, &g0, &g1), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(times_parse_to_minutes_since_midnight),
      cmocka_unit_test(times_format_back_as_written),
      cmocka_unit_test(days_count_in_a_leap_year),
      cmocka_unit_test(cover_gap_finds_the_first_uncovered_stretch),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
