/* domain.c -- checks of a hall's parameters against how a hall works.
 *
 * The schema says what a value may look like; these checks say whether
 * the values of one hall, taken together, make a hall that can run
 * (docs/design.md, "Domain checks"):
 *
 *   in-charge  someone who can be in charge at every opening hour: enough
 *              weekly hours of such holders, shifts that cover the day,
 *              no shift longer than HQ allows, two shifts or two holders
 *              for a handover round;
 *   patrol     every round inside the day it is made on, the opening one
 *              before opening and after its owner arrives, a round in
 *              every peak, no gap longer than HQ allows, an owner the
 *              hall has;
 *   staffing   the counters that must be open at peak exist, and the
 *              clerks can staff them, counting rest days;
 *   appraisal  weights add up to 100; star allowances rise with level;
 *   calendar   base promotion periods (with a line) cover every day of a
 *              leap year once and come from HQ; local ones do not overlap;
 *   policy     HQ's policy is set in defaults.xml only.
 *
 * Every message stands at the file, line and column that set the value
 * at fault (the provenance params.c records), names the other files
 * involved, and says times as HH:MM and durations in hours with one
 * decimal. A check whose values are absent is skipped for the hall.
 * The days are weekdays, weekends and, where the hall declares holiday
 * hours, holidays: they take the weekend's round times and peaks, and
 * are not part of the normal week.
 * Times are minutes since midnight; days are 0..365 in a leap year. */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manualgen.h"

/* ------------------------------------------------ time arithmetic */

int mg_time_parse(const char *s) {
  if (!s || strlen(s) != 5 || s[2] != ':')
    return -1;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (s[i] < '0' || s[i] > '9'))
      return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'),
      m = (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

void mg_time_format(int minutes, char out[6]) {
  if (minutes < 0 || minutes >= 24 * 60) {
    strcpy(out, "--:--");
    return;
  }
  out[0] = (char)('0' + minutes / 600);
  out[1] = (char)('0' + minutes / 60 % 10);
  out[2] = ':';
  out[3] = (char)('0' + minutes % 60 / 10);
  out[4] = (char)('0' + minutes % 10);
  out[5] = '\0';
}

static const int month_days[12] = {31, 29, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};

int mg_month_day(const char *s) {
  if (!s || strlen(s) != 5 || s[2] != '-')
    return -1;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (s[i] < '0' || s[i] > '9'))
      return -1;
  int m = (s[0] - '0') * 10 + (s[1] - '0'),
      d = (s[3] - '0') * 10 + (s[4] - '0');
  if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
    return -1;
  int day = d - 1;
  for (int i = 0; i < m - 1; i++)
    day += month_days[i];
  return day;
}

void mg_month_day_format(int day, char out[6]) {
  if (day < 0 || day >= MG_LEAP_YEAR_DAYS) {
    strcpy(out, "--:--");
    return;
  }
  int m = 0;
  while (day >= month_days[m])
    day -= month_days[m++];
  out[0] = (char)('0' + (m + 1) / 10);
  out[1] = (char)('0' + (m + 1) % 10);
  out[2] = '-';
  out[3] = (char)('0' + (day + 1) / 10);
  out[4] = (char)('0' + (day + 1) % 10);
  out[5] = '\0';
}

int mg_cover_gap(const int *a, const int *b, size_t n, int from, int to,
                 int *gap_from, int *gap_to) {
  int at = from; /* [from, at) is covered */
  while (at < to) {
    int reach = at;
    for (size_t i = 0; i < n; i++)
      if (a[i] <= at && b[i] > reach)
        reach = b[i];
    if (reach > at) {
      at = reach;
      continue;
    }
    int next = to; /* the first interval that starts after the gap */
    for (size_t i = 0; i < n; i++)
      if (a[i] > at && a[i] < next && b[i] > a[i])
        next = a[i];
    *gap_from = at;
    *gap_to = next;
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------ the hall */

/* The kinds of day. Holidays are one only where the hall declares
 * holiday hours (hours/holiday); without them a holiday keeps the
 * weekend's hours, which the weekend's checks already cover. */
enum { WEEKDAY, WEEKEND, HOLIDAY, NDAYS };
static const char *const day_name[NDAYS] = {"weekday", "weekend", "holiday"};
static const char *const on_day[NDAYS] = {"on weekdays", "at weekends",
                                          "on holidays"};

typedef struct {
  const char *store;
  xmlNodePtr root;
  const char *defaults_file, *store_file;
  int errors;
  mg_strv tmp; /* strings the messages being built point at */
  /* the file whose text was read last, for columns */
  char *src_path, *src;
  size_t srclen;
  /* hours, -1 when unknown (for holidays: when not declared) */
  xmlNodePtr day_el[NDAYS];
  int open[NDAYS], close[NDAYS];
  /* minutes open a week (5 weekdays, 2 weekend days; holidays are not
   * part of the normal week), or -1 */
  long week;
  /* policy, -1 when unknown */
  xmlNodePtr policy;
  long weekly_hours, max_shift, arrive_before, max_gap;
  /* shifts that are well formed */
  xmlNodePtr *shift;
  int *sfrom, *sto;
  size_t nshifts;
} hall;

static xmlNodePtr next_el(xmlNodePtr k, const char *name) {
  for (; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name))
      return k;
  return NULL;
}
#define EACH(k, parent, name)                                                  \
  for (xmlNodePtr k = next_el((parent) ? (parent)->children : NULL, name); k;  \
       k = next_el(k->next, name))

/* An attribute's value, kept in h->tmp (NULL when absent). */
static const char *att(hall *h, xmlNodePtr el, const char *name) {
  xmlChar *v = el ? xmlGetProp(el, BAD_CAST name) : NULL;
  if (!v)
    return NULL;
  char *s = mg_xstrdup((const char *)v);
  xmlFree(v);
  mg_strv_push(&h->tmp, s);
  return s;
}

/* A non-negative whole number attribute, or -1. */
static long num(hall *h, xmlNodePtr el, const char *name) {
  const char *v = att(h, el, name);
  if (!v || !*v)
    return -1;
  char *end;
  long n = strtol(v, &end, 10);
  return *end || n < 0 ? -1 : n;
}

static int tm(hall *h, xmlNodePtr el, const char *name) {
  return mg_time_parse(att(h, el, name));
}

/* a × b and a + b for numbers >= 0, LONG_MAX when the result does not
 * fit: the schema bounds no count and no hours of HQ's policy, and a
 * product that saturates still compares as "more than enough". */
static long mul(long a, long b) {
  return a && b > LONG_MAX / a ? LONG_MAX : a * b;
}
static long add(long a, long b) { return b > LONG_MAX - a ? LONG_MAX : a + b; }

static const char *keep(hall *h, char *s) {
  mg_strv_push(&h->tmp, s);
  return s;
}

static const char *hm(hall *h, int minutes) {
  char b[6];
  mg_time_format(minutes, b);
  return keep(h, mg_xstrdup(b));
}

static const char *md(hall *h, int day) {
  char b[6];
  mg_month_day_format(day, b);
  return keep(h, mg_xstrdup(b));
}

static const char *hours(hall *h, long minutes) {
  return keep(h, mg_xasprintf("%.1f", (double)minutes / 60.0));
}

/* A post's title as the hall knows it, or its key. */
static const char *post_name(hall *h, xmlNodePtr post) {
  const char *t = att(h, post, "title");
  return t && *t ? t : att(h, post, "key");
}

static xmlNodePtr post_of(hall *h, const char *key) {
  EACH(p, mg_child(h->root, "posts"), "post") {
    const char *k = att(h, p, "key");
    if (k && key && !strcmp(k, key))
      return p;
  }
  return NULL;
}

/* The holders of a post (0 when it has no count). */
static long holders(hall *h, xmlNodePtr post) {
  long n = num(h, post, "count");
  return n < 0 ? 0 : n;
}

/* -------------------------------------------------- where a value is */

/* The origin of el's attribute attr (el's own when attr is NULL or
 * absent). 0 when unknown. */
static int origin(xmlNodePtr el, const char *attr, const char **file,
                  long *line) {
  xmlAttrPtr a = attr ? xmlHasProp(el, BAD_CAST attr) : NULL;
  if (a && mg_params_origin((xmlNodePtr)a, file, line))
    return 1;
  return mg_params_origin(el, file, line);
}

/* "content/defaults.xml:21": where el's attribute was set. */
static const char *where(hall *h, xmlNodePtr el, const char *attr) {
  const char *f;
  long l;
  if (!origin(el, attr, &f, &l))
    return "?";
  return keep(h, l > 0 ? mg_xasprintf("%s:%ld", f, l) : mg_xstrdup(f));
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_byte(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
}

/* In the start tag s[lt, gt), the offset of attribute name and of its
 * value (after the quote) and the value's length. 0 when absent. */
static int tag_attr(const char *s, size_t lt, size_t gt, const char *name,
                    size_t *off, size_t *voff, size_t *vlen) {
  size_t i = lt + 1, nl = strlen(name);
  while (i < gt && is_name_byte((unsigned char)s[i]))
    i++;
  for (;;) {
    while (i < gt && is_space(s[i]))
      i++;
    if (i >= gt || !is_name_byte((unsigned char)s[i]))
      return 0;
    size_t a = i;
    while (i < gt && is_name_byte((unsigned char)s[i]))
      i++;
    size_t an = i - a;
    while (i < gt && s[i] != '"' && s[i] != '\'')
      i++;
    if (i >= gt)
      return 0;
    const char *q = memchr(s + i + 1, s[i], gt - i - 1);
    if (!q)
      return 0;
    if (an == nl && !memcmp(s + a, name, nl)) {
      *off = a;
      *voff = i + 1;
      *vlen = (size_t)(q - s) - i - 1;
      return 1;
    }
    i = (size_t)(q - s) + 1;
  }
}

/* Finds, in the text of file, the start tag of el that ends on line
 * (libxml2's line of an element) and has el's key, and sets *line and
 * *col (characters) to attr's name there, or to the '<'. Leaves them as
 * they are when the tag cannot be found. */
static void column(hall *h, const char *file, xmlNodePtr el, const char *attr,
                   int *line, int *col) {
  if (!h->src_path || strcmp(h->src_path, file)) {
    free(h->src_path);
    free(h->src);
    h->src_path = mg_xstrdup(file);
    h->src = mg_safe_read_file(file, &h->srclen);
  }
  const char *s = h->src;
  if (!s)
    return;
  const char *key = att(h, el, "key");
  size_t len = h->srclen, nl = strlen((const char *)el->name);
  int ln = 1;
  for (size_t i = 0; i < len;) {
    if (s[i] != '<') {
      ln += s[i++] == '\n';
      continue;
    }
    size_t lt = i;
    int tagline = ln;
    char q = 0;
    for (i++; i < len && (q || s[i] != '>'); i++) {
      if (q && s[i] == q)
        q = 0;
      else if (!q && (s[i] == '"' || s[i] == '\''))
        q = s[i];
      ln += s[i] == '\n';
    }
    if (ln != *line || lt + 1 + nl > len || memcmp(s + lt + 1, el->name, nl) ||
        is_name_byte((unsigned char)s[lt + 1 + nl]))
      continue;
    size_t off, voff, vlen;
    if (key && (!tag_attr(s, lt, i, "key", &off, &voff, &vlen) ||
                vlen != strlen(key) || memcmp(s + voff, key, vlen)))
      continue;
    off = lt;
    if (attr && !tag_attr(s, lt, i, attr, &off, &voff, &vlen))
      off = lt;
    *line = tagline;
    for (size_t k = lt; k < off; k++)
      *line += s[k] == '\n';
    size_t start = off;
    while (start > 0 && s[start - 1] != '\n')
      start--;
    *col = 1;
    for (size_t k = start; k < off; (*col)++) {
      unsigned cp;
      int n = mg_utf8_decode(s + k, off - k, &cp);
      k += n ? (size_t)n : 1;
    }
    return;
  }
}

/* Reports an error of rule at el's attribute attr (where it was set). */
static void fault(hall *h, const char *rule, xmlNodePtr el, const char *attr,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void fault(hall *h, const char *rule, xmlNodePtr el, const char *attr,
                  const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = mg_xmalloc((size_t)(n > 0 ? n : 0) + 1);
  va_start(ap, fmt);
  vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
  va_end(ap);
  const char *file = NULL;
  long l = 0;
  int line = 0, col = 0;
  if (el && origin(el, attr, &file, &l)) {
    line = l > 0 && l < 65535 ? (int)l : 0;
    if (line)
      column(h, file, el, attr, &line, &col);
  }
  mg_diag_store(MG_ERROR, file, line, col, h->store, "%s [%s]", msg, rule);
  free(msg);
  h->errors++;
}

/* "weekday hours 08:30–18:00 from content/defaults.xml:5" (both files
 * when the opening and closing times come from two). */
static const char *day_hours(hall *h, int d) {
  const char *wo = where(h, h->day_el[d], "open"),
             *wc = where(h, h->day_el[d], "close");
  if (!strcmp(wo, wc))
    return keep(h, mg_xasprintf("%s hours %s–%s from %s", day_name[d],
                                hm(h, h->open[d]), hm(h, h->close[d]), wo));
  return keep(h, mg_xasprintf("%s hours %s–%s from %s and %s", day_name[d],
                              hm(h, h->open[d]), hm(h, h->close[d]), wo, wc));
}

static int has_day(const hall *h, int d) {
  return h->open[d] >= 0 && h->close[d] > h->open[d];
}

/* --------------------------------------------------------- reading */

static void read_hall(hall *h) {
  xmlNodePtr hrs = mg_child(h->root, "hours");
  for (int d = 0; d < NDAYS; d++) {
    h->day_el[d] = mg_child(hrs, day_name[d]);
    h->open[d] = tm(h, h->day_el[d], "open");
    h->close[d] = tm(h, h->day_el[d], "close");
    if (h->open[d] >= 0 && h->close[d] >= 0 && h->close[d] <= h->open[d]) {
      fault(h, "in-charge", h->day_el[d], "close",
            "the %s hours close at %s, not after they open at %s", day_name[d],
            hm(h, h->close[d]), hm(h, h->open[d]));
      h->open[d] = h->close[d] = -1;
    }
  }
  h->week =
      has_day(h, WEEKDAY) && has_day(h, WEEKEND)
          ? 5L * (h->close[0] - h->open[0]) + 2L * (h->close[1] - h->open[1])
          : -1;

  h->policy = mg_child(h->root, "policy");
  h->weekly_hours = num(h, h->policy, "weekly-hours");
  h->max_shift = num(h, h->policy, "max-shift-hours");
  h->arrive_before = num(h, h->policy, "arrive-before");
  h->max_gap = num(h, h->policy, "max-patrol-gap");
  /* HQ's policy is HQ's: a city or hall that changes it is at fault */
  for (xmlAttrPtr a = h->policy ? h->policy->properties : NULL; a;
       a = a->next) {
    const char *f;
    long l;
    if (mg_params_origin((xmlNodePtr)a, &f, &l) && h->defaults_file &&
        strcmp(f, h->defaults_file))
      fault(h, "policy", h->policy, (const char *)a->name,
            "policy/@%s is set by HQ in %s only; a city or hall may not "
            "change it",
            (const char *)a->name, h->defaults_file);
  }

  xmlNodePtr shifts = mg_child(h->root, "shifts");
  size_t n = 0;
  EACH(s, shifts, "shift") n++;
  h->shift = mg_xcalloc(n ? n : 1, sizeof *h->shift);
  h->sfrom = mg_xcalloc(n ? n : 1, sizeof *h->sfrom);
  h->sto = mg_xcalloc(n ? n : 1, sizeof *h->sto);
  EACH(s, shifts, "shift") {
    int a = tm(h, s, "from"), b = tm(h, s, "to");
    if (a < 0 || b < 0)
      continue;
    if (b <= a) {
      fault(h, "in-charge", s, "to",
            "the shift %s ends at %s, not after it starts at %s (a shift "
            "may not run past midnight)",
            post_name(h, s), hm(h, b), hm(h, a));
      continue;
    }
    h->shift[h->nshifts] = s;
    h->sfrom[h->nshifts] = a;
    h->sto[h->nshifts++] = b;
  }
}

/* How specific the file that set el's attr is: 2 the hall, 1 its city,
 * 0 HQ's defaults. */
static int specificity(hall *h, xmlNodePtr el, const char *attr) {
  const char *f;
  long l;
  if (!origin(el, attr, &f, &l))
    return 0;
  if (h->store_file && !strcmp(f, h->store_file))
    return 2;
  return h->defaults_file && strcmp(f, h->defaults_file) ? 1 : 0;
}

/* ------------------------------------------------------- in-charge */

static void check_supply(hall *h) {
  xmlNodePtr posts = mg_child(h->root, "posts");
  long total = 0;
  /* at the most specific count or in-charge: the value a hall or city
   * changed is likelier the fault than HQ's */
  xmlNodePtr at = NULL;
  const char *at_attr = NULL;
  int best = -1;
  mg_buf who = {0};
  EACH(p, posts, "post") {
    static const char *const attrs[] = {"in-charge", "count"};
    for (int i = 0; i < 2; i++) {
      int sp = xmlHasProp(p, BAD_CAST attrs[i]) && att(h, p, "in-charge")
                   ? specificity(h, p, attrs[i])
                   : -1;
      if (sp > best)
        best = sp, at = p, at_attr = attrs[i];
    }
  }
  EACH(p, posts, "post") {
    const char *ic = att(h, p, "in-charge");
    if (!ic)
      continue;
    long n = holders(h, p);
    if (strcmp(ic, "all")) {
      long k = num(h, p, "in-charge");
      n = k < n ? k : n;
    }
    if (n <= 0)
      continue;
    mg_buf_printf(&who, "%s%s %ld", who.len ? " + " : "", post_name(h, p), n);
    total = add(total, n);
  }
  long supply = mul(mul(total, h->weekly_hours), 60);
  if (!total) {
    fault(h, "in-charge", posts ? posts : h->root, NULL,
          "no holder of any post can be in charge of the hall (in-charge "
          "is set on no post it has), but it is open %s hours a week "
          "(%s; %s)",
          hours(h, h->week), day_hours(h, WEEKDAY), day_hours(h, WEEKEND));
  } else if (supply < h->week) {
    fault(h, "in-charge", at, at_attr,
          "the holders who can be in charge of the hall (%s) work %s hours "
          "a week at %ld hours each (policy from %s), fewer than the %s "
          "hours the hall is open (%s; %s)",
          who.data, hours(h, supply), h->weekly_hours,
          where(h, h->policy, "weekly-hours"), hours(h, h->week),
          day_hours(h, WEEKDAY), day_hours(h, WEEKEND));
  }
  mg_buf_free(&who);
}

static void check_shifts(hall *h) {
  /* the shift keys the posts name */
  mg_buf keys = {0};
  EACH(s, mg_child(h->root, "shifts"), "shift")
  mg_buf_printf(&keys, "%s%s", keys.len ? ", " : "", att(h, s, "key"));
  EACH(p, mg_child(h->root, "posts"), "post") {
    const char *list = att(h, p, "shifts");
    for (const char *q = list; q && *q;) {
      while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
      size_t l = 0;
      while (q[l] && !is_space(q[l]))
        l++;
      if (!l)
        break;
      int found = 0;
      EACH(s, mg_child(h->root, "shifts"), "shift") {
        const char *k = att(h, s, "key");
        found |= strlen(k) == l && !memcmp(k, q, l);
      }
      if (!found)
        fault(h, "in-charge", p, "shifts",
              "the post %s works the shift '%.*s', which the hall does not "
              "have (its shifts: %s)",
              post_name(h, p), (int)l, q, keys.len ? keys.data : "none");
      q += l;
    }
  }
  mg_buf_free(&keys);
  if (!h->nshifts)
    return;
  for (int d = 0; d < NDAYS; d++) {
    int a, b;
    if (!has_day(h, d) || !mg_cover_gap(h->sfrom, h->sto, h->nshifts,
                                        h->open[d], h->close[d], &a, &b))
      continue;
    /* at the shift that ends where the gap starts, or starts after it */
    xmlNodePtr at = NULL;
    const char *attr = "to";
    for (size_t i = 0; i < h->nshifts && !at; i++)
      if (h->sto[i] == a)
        at = h->shift[i];
    for (size_t i = 0; i < h->nshifts && !at; i++)
      if (h->sfrom[i] == b)
        at = h->shift[i], attr = "from";
    fault(h, "in-charge", at ? at : h->shift[0], at ? attr : "from",
          "no shift covers %s–%s %s, when the hall is open (%s)", hm(h, a),
          hm(h, b), on_day[d], day_hours(h, d));
  }
}

static void check_shift_length(hall *h) {
  long max = mul(h->max_shift, 60);
  for (size_t i = 0; i < h->nshifts; i++)
    if (h->sto[i] - h->sfrom[i] > max)
      fault(h, "in-charge", h->shift[i], "to",
            "the shift %s lasts %s hours (%s–%s), longer than the longest "
            "shift of %ld hours (policy from %s)",
            post_name(h, h->shift[i]), hours(h, h->sto[i] - h->sfrom[i]),
            hm(h, h->sfrom[i]), hm(h, h->sto[i]), h->max_shift,
            where(h, h->policy, "max-shift-hours"));
  if (h->nshifts)
    return;
  long early = h->arrive_before > 0 ? h->arrive_before : 0;
  for (int d = 0; d < NDAYS; d++) {
    if (!has_day(h, d))
      continue;
    int from = early < h->open[d] ? h->open[d] - (int)early : 0;
    if (h->close[d] - from > max)
      fault(h, "in-charge", h->day_el[d], "close",
            "with no shifts declared, whoever opens the hall works the "
            "whole %s, %s–%s (arriving %ld minutes before opening): %s "
            "hours, longer than the longest shift of %ld hours (policy "
            "from %s); declare shifts",
            day_name[d], hm(h, from), hm(h, h->close[d]), early,
            hours(h, h->close[d] - from), h->max_shift,
            where(h, h->policy, "max-shift-hours"));
  }
}

/* ---------------------------------------------------------- rounds */

static const char *const kinds[] = {"opening", "peak", "handover", "closing",
                                    "routine"};

/* A round's kind; a round without one takes its key's when that names a
 * kind (the keys of the rounds before kinds existed), else routine. */
static const char *kind_of(hall *h, xmlNodePtr r) {
  const char *k = att(h, r, "kind");
  if (k)
    return k;
  k = att(h, r, "key");
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (k && !strcmp(k, kinds[i]))
      return kinds[i];
  return "routine";
}

/* A round's time on day d, and the attribute that sets it: on holidays
 * its holiday time, else its weekend time, else the weekday one. */
static int round_time(hall *h, xmlNodePtr r, int d, const char **attr) {
  static const char *const order[NDAYS][3] = {
      {"weekday", NULL, NULL},
      {"weekend", "weekday", NULL},
      {"holiday", "weekend", "weekday"}};
  for (int i = 0; i < 3 && order[d][i]; i++)
    if (xmlHasProp(r, BAD_CAST order[d][i])) {
      *attr = order[d][i];
      return tm(h, r, order[d][i]);
    }
  *attr = NULL;
  return -1;
}

/* A round's time t on day d as a message says it: on holidays, when the
 * round has no holiday time, which day's time it is ("16:30 (its weekend
 * time)"), since the message stands at that attribute. */
static const char *round_at(hall *h, int t, int d, const char *attr) {
  if (d != HOLIDAY || !strcmp(attr, "holiday"))
    return hm(h, t);
  return keep(h, mg_xasprintf("%s (its %s time)", hm(h, t), attr));
}

static void check_handover(hall *h) {
  EACH(r, mg_child(h->root, "patrols"), "round") {
    if (strcmp(kind_of(h, r), "handover"))
      continue;
    xmlNodePtr owner = post_of(h, att(h, r, "owner"));
    long n = owner ? holders(h, owner) : 0;
    if (h->nshifts >= 2 || n >= 2)
      continue;
    fault(h, "in-charge", r, xmlHasProp(r, BAD_CAST "kind") ? "kind" : "key",
          "the handover round '%s' needs two shifts declared or two holders "
          "of its owner's post, but the hall has %s and %ld %s",
          att(h, r, "key"), h->nshifts ? "one shift" : "no shifts", n,
          owner ? post_name(h, owner) : "owner");
  }
}

/* When the owner of an opening round arrives on day d: the earliest
 * start of the shifts the owner's post works, or arrive-before minutes
 * before opening; -1 when neither is known. *why says which. */
static int arrival(hall *h, xmlNodePtr owner, int d, const char **why) {
  if (h->nshifts) {
    const char *list = owner ? att(h, owner, "shifts") : NULL;
    int best = -1;
    for (size_t i = 0; i < h->nshifts; i++) {
      const char *k = att(h, h->shift[i], "key");
      int works = !list;
      for (const char *q = list; q && *q && !works;) {
        while (is_space(*q))
          q++;
        size_t l = 0;
        while (q[l] && !is_space(q[l]))
          l++;
        works = l && strlen(k) == l && !memcmp(k, q, l);
        q += l;
      }
      if (works && (best < 0 || h->sfrom[i] < best))
        best = h->sfrom[i];
    }
    *why = "the start of its earliest shift";
    return best;
  }
  if (h->arrive_before < 0 || !has_day(h, d))
    return -1;
  *why = keep(h, mg_xasprintf("%ld minutes before opening, policy from %s",
                              h->arrive_before,
                              where(h, h->policy, "arrive-before")));
  /* before midnight: as if unknown */
  return h->arrive_before <= h->open[d] ? h->open[d] - (int)h->arrive_before
                                        : -1;
}

typedef struct {
  int t;
  xmlNodePtr r;
  const char *attr;
} stop;

static int cmp_stop(const void *a, const void *b) {
  const stop *x = a, *y = b;
  return (x->t > y->t) - (x->t < y->t);
}

static void check_rounds(hall *h) {
  xmlNodePtr patrols = mg_child(h->root, "patrols");
  size_t n = 0;
  EACH(r, patrols, "round") n++;
  stop *stops = mg_xcalloc(n + 1, sizeof *stops);
  EACH(r, patrols, "round") {
    const char *key = att(h, r, "key"), *okey = att(h, r, "owner");
    xmlNodePtr owner = post_of(h, okey);
    if (okey && (!owner || holders(h, owner) <= 0))
      fault(h, "patrol", r, "owner",
            "the round '%s' is made by the post '%s', which the hall does "
            "not have",
            key, okey);
    const char *kind = kind_of(h, r);
    for (int d = 0; d < NDAYS; d++) {
      const char *attr;
      int t = round_time(h, r, d, &attr);
      if (t < 0 || !has_day(h, d))
        continue;
      if (!strcmp(kind, "opening")) {
        const char *why = "";
        int arr = arrival(h, owner, d, &why);
        if (t >= h->open[d])
          fault(h, "patrol", r, attr,
                "the opening round '%s' at %s is not before the hall opens "
                "%s (%s)",
                key, round_at(h, t, d, attr), on_day[d], day_hours(h, d));
        else if (arr >= 0 && t < arr)
          fault(h, "patrol", r, attr,
                "the opening round '%s' at %s %s is before its owner %s "
                "arrives at %s (%s)",
                key, round_at(h, t, d, attr), on_day[d],
                owner ? post_name(h, owner) : "", hm(h, arr), why);
      } else if (t < h->open[d] || t > h->close[d]) {
        fault(h, "patrol", r, attr,
              "the round '%s' at %s is outside the opening hours %s (%s)", key,
              round_at(h, t, d, attr), on_day[d], day_hours(h, d));
      }
    }
  }

  /* a round in every peak, on the peak's days */
  EACH(p, mg_child(h->root, "peaks"), "peak") {
    int a = tm(h, p, "from"), b = tm(h, p, "to");
    const char *days = att(h, p, "days");
    if (a < 0 || b <= a)
      continue;
    /* a weekend peak is a holiday peak too, where holidays are a day */
    int missing[NDAYS] = {0};
    for (int d = 0; d < NDAYS; d++) {
      const char *as = d == HOLIDAY ? day_name[WEEKEND] : day_name[d];
      if ((d == HOLIDAY && !has_day(h, d)) ||
          (days && strcmp(days, "all") && strcmp(days, as)))
        continue;
      int found = 0;
      EACH(r, patrols, "round") {
        const char *attr;
        int t = round_time(h, r, d, &attr);
        found |= t >= a && t < b;
      }
      missing[d] = !found;
    }
    if (missing[WEEKDAY] && missing[WEEKEND]) {
      fault(h, "patrol", p, "from",
            "no patrol round falls in the peak %s (%s–%s) on any day",
            post_name(h, p), hm(h, a), hm(h, b));
    } else if (missing[WEEKDAY] || missing[WEEKEND] || missing[HOLIDAY]) {
      mg_buf when = {0};
      for (int d = 0; d < NDAYS; d++)
        if (missing[d])
          mg_buf_printf(&when, "%s%s", when.len ? " and " : "", on_day[d]);
      fault(h, "patrol", p, "from",
            "no patrol round falls in the peak %s (%s–%s) %s", post_name(h, p),
            hm(h, a), hm(h, b), when.data);
      mg_buf_free(&when);
    }
  }

  /* no gap longer than HQ allows, opening and closing counting as ends */
  for (int d = 0; d < NDAYS && h->max_gap >= 0; d++) {
    if (!has_day(h, d))
      continue;
    size_t k = 0;
    EACH(r, patrols, "round") {
      const char *attr;
      int t = round_time(h, r, d, &attr);
      if (t >= h->open[d] && t <= h->close[d])
        stops[k++] = (stop){t, r, attr};
    }
    qsort(stops, k, sizeof *stops, cmp_stop);
    for (size_t i = 0; i <= k; i++) {
      int from = i ? stops[i - 1].t : h->open[d];
      int to = i < k ? stops[i].t : h->close[d];
      if (to - from <= h->max_gap)
        continue;
      const stop *at = i < k ? &stops[i] : i ? &stops[i - 1] : NULL;
      const char *fl = i ? "" : " (opening)", *tl = i < k ? "" : " (closing)";
      fault(h, "patrol", at ? at->r : h->day_el[d], at ? at->attr : "close",
            "no patrol round between %s%s and %s%s %s: %d minutes, longer "
            "than the longest gap of %ld minutes (policy from %s)",
            hm(h, from), fl, hm(h, to), tl, on_day[d], to - from, h->max_gap,
            where(h, h->policy, "max-patrol-gap"));
    }
  }
  free(stops);
}

/* -------------------------------------------------------- staffing */

static void check_staffing(hall *h) {
  xmlNodePtr queue = mg_child(h->root, "queue");
  long peak = num(h, queue, "peak-counters");
  if (peak < 0)
    return;
  xmlNodePtr counters = mg_child(h->root, "counters");
  if (counters) {
    xmlChar *v = xmlNodeGetContent(counters);
    long n = v ? strtol((const char *)v, NULL, 10) : 0;
    xmlFree(v);
    int mine =
        specificity(h, counters, NULL) > specificity(h, queue, "peak-counters");
    if (peak > n)
      fault(
          h, "staffing", mine ? counters : queue, mine ? NULL : "peak-counters",
          "%ld counters must be open at peak (queue/@peak-counters from "
          "%s), but the hall has only %ld (counters from %s)",
          peak, where(h, queue, "peak-counters"), n, where(h, counters, NULL));
  }
  if (h->weekly_hours <= 0 || h->week <= 0)
    return;
  xmlNodePtr clerk = post_of(h, "clerk");
  long k = clerk ? holders(h, clerk) : 0;
  long supply = mul(mul(k, h->weekly_hours), 60);
  if (supply >= mul(peak, h->week))
    return;
  fault(h, "staffing", clerk ? clerk : mg_child(h->root, "posts"),
        clerk ? "count" : NULL,
        "counting rest days, %ld clerks × %ld hours ÷ %s opening hours a "
        "week = %.1f clerks at the counters at once, fewer than the %ld "
        "counters that must be open at peak (queue/@peak-counters from %s; "
        "policy from %s)",
        k, h->weekly_hours, hours(h, h->week), (double)supply / (double)h->week,
        peak, where(h, queue, "peak-counters"),
        where(h, h->policy, "weekly-hours"));
}

/* ------------------------------------------------------- appraisal */

static void check_weights(hall *h) {
  long sum = 0;
  int any = 0, best = -1;
  xmlNodePtr at = NULL;
  mg_buf list = {0};
  EACH(w, mg_child(h->root, "appraisal"), "weight") {
    long p = num(h, w, "percent");
    if (p < 0)
      continue;
    any = 1;
    sum += p;
    mg_buf_printf(&list, "%s%s %ld (%s)", list.len ? ", " : "",
                  att(h, w, "key"), p, where(h, w, "percent"));
    int s = specificity(h, w, "percent");
    if (s > best)
      best = s, at = w;
  }
  if (any && sum != 100)
    fault(h, "appraisal", at, "percent",
          "the appraisal weights add up to %ld, not 100: %s", sum, list.data);
  mg_buf_free(&list);
}

typedef struct {
  long level;
  xmlNodePtr el;
} allowance;

static int cmp_allowance(const void *a, const void *b) {
  const allowance *x = a, *y = b;
  return (x->level > y->level) - (x->level < y->level);
}

static void check_allowances(hall *h) {
  xmlNodePtr star = mg_child(h->root, "star");
  size_t n = 0;
  EACH(a, star, "allowance") n++;
  if (!n)
    return;
  allowance *v = mg_xcalloc(n, sizeof *v);
  size_t k = 0;
  EACH(a, star, "allowance") {
    long lv = num(h, a, "level");
    if (lv >= 0)
      v[k++] = (allowance){lv, a};
  }
  /* insertion sort: stable, so two entries of one level keep their order */
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && cmp_allowance(&v[j - 1], &v[j]) > 0; j--) {
      allowance t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  static const char *const what[2][2] = {{"amount", "the allowance"},
                                         {"min-score", "the minimum score"}};
  for (int w = 0; w < 2; w++) {
    const allowance *prev = NULL;
    for (size_t i = 0; i < k; i++) {
      long x = num(h, v[i].el, what[w][0]);
      if (x < 0)
        continue;
      long px = prev ? num(h, prev->el, what[w][0]) : -1;
      if (prev && x <= px)
        fault(h, "appraisal", v[i].el, what[w][0],
              "%s of star level %ld (%ld) is not more than that of level "
              "%ld (%ld, from %s): it must rise with the level",
              what[w][1], v[i].level, x, prev->level, px,
              where(h, prev->el, what[w][0]));
      prev = &v[i];
    }
  }
  free(v);
}

/* -------------------------------------------------------- calendar */

#define DAYS MG_LEAP_YEAR_DAYS

/* "05-01–05-31", or "02-29" for one day. */
static const char *days(hall *h, int a, int b) {
  return a == b ? md(h, a) : keep(h, mg_xasprintf("%s–%s", md(h, a), md(h, b)));
}

/* The days of a period, from..to (wrapping past the year's end when to
 * is before from), in the array in; 0 when from or to is not a day (each
 * reported). */
static int period_days(hall *h, xmlNodePtr p, unsigned char in[DAYS]) {
  int ok = 1, a = -1, b = -1;
  static const char *const ends[2] = {"from", "to"};
  for (int e = 0; e < 2; e++) {
    const char *v = att(h, p, ends[e]);
    int day = mg_month_day(v);
    if (!v) {
      ok = 0;
    } else if (day < 0) {
      fault(h, "calendar", p, ends[e],
            "'%s' is not a day of the year (MM-DD; 02-29 counts)", v);
      ok = 0;
    }
    *(e ? &b : &a) = day;
  }
  if (!ok)
    return 0;
  memset(in, 0, DAYS);
  for (int d = a;; d = (d + 1) % DAYS) {
    in[d] = 1;
    if (d == b)
      break;
  }
  return 1;
}

/* The first run of days that both in and other[] mark as owned by one
 * same period j; returns j's index or -1. */
static long first_overlap(const unsigned char in[DAYS], const long owner[DAYS],
                          int *a, int *b) {
  for (int d = 0; d < DAYS; d++) {
    if (!in[d] || owner[d] < 0)
      continue;
    long j = owner[d];
    *a = d;
    while (d + 1 < DAYS && in[d + 1] && owner[d + 1] == j)
      d++;
    *b = d;
    return j;
  }
  return -1;
}

static void check_calendar(hall *h) {
  xmlNodePtr promo = mg_child(h->root, "promotions");
  size_t n = 0;
  EACH(p, promo, "period") n++;
  if (!n)
    return;
  xmlNodePtr *el = mg_xcalloc(n, sizeof *el);
  long *base = mg_xcalloc(DAYS, sizeof *base),
       *local = mg_xcalloc(DAYS, sizeof *local);
  unsigned char in[DAYS];
  for (int d = 0; d < DAYS; d++)
    base[d] = local[d] = -1;
  size_t i = 0, nbase = 0;
  EACH(p, promo, "period") {
    el[i] = p;
    int is_base = xmlHasProp(p, BAD_CAST "line") != NULL;
    if (is_base) {
      nbase++;
      static const char *const hq[] = {"line", "from", "to"};
      for (int k = 0; k < 3; k++) {
        if (!xmlHasProp(p, BAD_CAST hq[k]) || !specificity(h, p, hq[k]))
          continue;
        fault(h, "calendar", p, hq[k],
              "the base period '%s' (one with a line) has its %s set outside "
              "%s: the line, from and to of a base period are HQ's; a city "
              "or hall adds a local period (without a line) instead",
              att(h, p, "key"), hq[k], h->defaults_file);
        break;
      }
    }
    if (period_days(h, p, in)) {
      long *owner = is_base ? base : local;
      int a, b;
      long j = first_overlap(in, owner, &a, &b);
      if (j >= 0)
        fault(h, "calendar", p, "from",
              "the %s periods '%s' and '%s' (%s) both cover %s%s",
              is_base ? "base" : "local", att(h, el[j], "key"),
              att(h, p, "key"), where(h, el[j], "from"), days(h, a, b),
              is_base ? ": every day needs exactly one base period"
                      : ": a local period takes precedence over the base "
                        "period, so two local ones may not overlap");
      for (int d = 0; d < DAYS; d++)
        if (in[d] && owner[d] < 0)
          owner[d] = (long)i;
    }
    i++;
  }
  /* every day exactly once: the days no base period covers, by run */
  for (int d = 0; d < DAYS && nbase; d++) {
    if (base[d] >= 0)
      continue;
    int a = d;
    while (d + 1 < DAYS && base[d + 1] < 0)
      d++;
    long before = base[(a + DAYS - 1) % DAYS], after = base[(d + 1) % DAYS];
    xmlNodePtr at = before >= 0 ? el[before] : after >= 0 ? el[after] : promo;
    fault(h, "calendar", at,
          before >= 0  ? "to"
          : after >= 0 ? "from"
                       : NULL,
          "no base period covers %s: every day of the year, 02-29 too, "
          "needs exactly one base period (one with a line)",
          days(h, a, d));
  }
  free(el);
  free(base);
  free(local);
}

/* ------------------------------------------------------------ entry */

int mg_domain_check(xmlDocPtr eff, const char *store) {
  hall h = {0};
  h.store = store;
  h.root = xmlDocGetRootElement(eff);
  if (!h.root)
    return 0;
  long l;
  mg_params_origin(h.root, &h.defaults_file, &l);
  xmlAttrPtr id = xmlHasProp(h.root, BAD_CAST "id");
  if (id)
    mg_params_origin((xmlNodePtr)id, &h.store_file, &l);
  read_hall(&h);

  if (h.week > 0 && h.weekly_hours > 0)
    check_supply(&h);
  check_shifts(&h);
  if (h.max_shift > 0)
    check_shift_length(&h);
  check_handover(&h);
  check_rounds(&h);
  check_staffing(&h);
  check_weights(&h);
  check_allowances(&h);
  check_calendar(&h);

  free(h.shift);
  free(h.sfrom);
  free(h.sto);
  free(h.src_path);
  free(h.src);
  mg_strv_free(&h.tmp);
  return h.errors;
}
