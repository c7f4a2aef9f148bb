/* hall.c -- the hall's facts the prints lay out, as m:hall.
 *
 * The print drivers (templates/print) need a hall's opening hours, its
 * patrol rounds with the titles of their owners, its zones, its contacts
 * and the address of its online edition (with a QR code to it), in one
 * place and already joined: XSLT 1.0 has no good way to look a post's
 * title up in the parameters, and none at all to make a QR code. This
 * file writes them into the resolved manual (print-spec, "The print
 * document"). Like the resolver that calls it, it is a pure function of
 * the hall's effective parameters. The HTML drivers never select m:hall. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "manualgen.h"

/* Attribute name of n, or "" (never NULL). Caller frees. */
static char *attr(xmlNodePtr n, const char *name) {
  xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

/* The title of post key in the hall (posts/post[@key]/@title), or "".
 * Caller frees. */
static char *post_title(xmlNodePtr root, const char *key) {
  for (xmlNodePtr p = mg_child(mg_child(root, "posts"), "post"); p;
       p = p->next) {
    if (p->type != XML_ELEMENT_NODE)
      continue;
    char *k = attr(p, "key");
    int same = !strcmp(k, key);
    free(k);
    if (same)
      return attr(p, "title");
  }
  return mg_xstrdup("");
}

/* Copies attribute name of src to dst ("" when src lacks it). */
static void copy_attr(xmlNodePtr src, xmlNodePtr dst, const char *name) {
  char *v = attr(src, name);
  xmlNewProp(dst, BAD_CAST name, BAD_CAST v);
  free(v);
}

/* Adds an owner-title attribute to x: the title of the post x's owner
 * attribute names. */
static void owner_title(xmlNodePtr root, xmlNodePtr x) {
  char *owner = attr(x, "owner"), *title = post_title(root, owner);
  xmlNewProp(x, BAD_CAST "owner-title", BAD_CAST title);
  free(owner);
  free(title);
}

/* Rounds as releases made before issue 8 froze them (copied above with
 * empty values): no kind (it follows from the key, as the domain checks
 * read it) and one time, @time, which is the weekday's. */
static int empty(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  int e = !v || !*v;
  xmlFree(v);
  return e;
}

static void complete_rounds(xmlNodePtr params_root, xmlNodePtr hall) {
  static const char *const kinds[] = {"opening", "peak", "handover", "closing"};
  xmlNodePtr ps = mg_m_child(hall, "patrols");
  xmlNodePtr src = mg_child(params_root, "patrols");
  for (xmlNodePtr r = ps ? ps->children : NULL; r; r = r->next) {
    if (!mg_is_m(r, "round"))
      continue;
    if (empty(r, "kind")) {
      xmlChar *key = xmlGetProp(r, BAD_CAST "key");
      const char *kind = "routine";
      for (size_t i = 0; key && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp((const char *)key, kinds[i]))
          kind = kinds[i];
      xmlSetProp(r, BAD_CAST "kind", BAD_CAST kind);
      xmlFree(key);
    }
    if (empty(r, "weekday")) {
      xmlChar *key = xmlGetProp(r, BAD_CAST "key");
      for (xmlNodePtr o = src ? src->children : NULL; key && o; o = o->next) {
        xmlChar *k =
            o->type == XML_ELEMENT_NODE ? xmlGetProp(o, BAD_CAST "key") : NULL;
        xmlChar *t =
            k && xmlStrEqual(k, key) ? xmlGetProp(o, BAD_CAST "time") : NULL;
        if (t)
          xmlSetProp(r, BAD_CAST "weekday", t);
        xmlFree(t);
        xmlFree(k);
      }
      xmlFree(key);
    }
  }
}

/* The elements of list (the children named item of root's child list)
 * copied as m:<as> under a new m:<list> of hall, with the attributes
 * named in attrs (each written, "" when absent); owned lists also get
 * the owner's post title. */
static void copy_list(xmlNodePtr root, xmlNodePtr hall, xmlNsPtr m,
                      const char *list, const char *item,
                      const char *const *attrs, int owned) {
  xmlNodePtr out = xmlNewChild(hall, m, BAD_CAST list, NULL);
  for (xmlNodePtr k = mg_child(mg_child(root, list), item); k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, item))
      continue;
    xmlNodePtr x = xmlNewChild(out, m, BAD_CAST item, NULL);
    for (const char *const *a = attrs; *a; a++)
      copy_attr(k, x, *a);
    if (owned)
      owner_title(root, x);
  }
}

char *mg_hall_online_url(const char *site, const char *store_id) {
  size_t n = strlen(site);
  while (n && site[n - 1] == '/')
    n--;
  mg_buf b = {0};
  mg_buf_put(&b, site, n);
  mg_buf_printf(&b, "/latest/stores/%s/index.html", store_id);
  return b.data;
}

char *mg_qr_modules(const char *text, int *size) {
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) {
    if (errno == ENOMEM) { /* the mg_x* policy */
      fputs("manualgen: out of memory\n", stderr);
      abort();
    }
    return NULL;
  }
  size_t w = (size_t)q->width;
  char *s = mg_xmalloc(w * w + 1);
  for (size_t i = 0; i < w * w; i++)
    s[i] = q->data[i] & 1 ? '1' : '0';
  s[w * w] = '\0';
  *size = q->width;
  QRcode_free(q);
  return s;
}

/* The hall's online address and its QR code, under hall; hall NULL: only
 * checked. A QR code (version 40, level M) holds 2,331 bytes of any kind:
 * when none is drawn, an address well under that is not encoded. Returns
 * 0, or -1 after reporting an address too long for one. */
static int write_online(xmlNodePtr root, const char *store_id, xmlNodePtr hall,
                        xmlNsPtr m) {
  xmlNodePtr site = mg_child(root, "site-url");
  xmlChar *base = site ? xmlNodeGetContent(site) : NULL;
  int rc = 0;
  if (base && *base) {
    char *url = mg_hall_online_url((const char *)base, store_id);
    int size = 0, encode = hall || strlen(url) > 2000;
    char *mod = encode ? mg_qr_modules(url, &size) : NULL;
    if (hall) {
      xmlNodePtr on = xmlNewChild(hall, m, BAD_CAST "online", NULL);
      xmlNewProp(on, BAD_CAST "href", BAD_CAST url);
    }
    if (hall && mod) {
      xmlNodePtr q = xmlNewChild(hall, m, BAD_CAST "qr", NULL);
      char num[16];
      snprintf(num, sizeof num, "%d", size);
      xmlNewProp(q, BAD_CAST "href", BAD_CAST url);
      xmlNewProp(q, BAD_CAST "size", BAD_CAST num);
      xmlNewProp(q, BAD_CAST "modules", BAD_CAST mod);
    } else if (encode && !mod) {
      const char *file = NULL;
      long line = 0;
      mg_params_origin(site, &file, &line);
      mg_diag(MG_ERROR, file, (int)line, 0,
              "the hall's online address '%s' is too long for a QR code: "
              "shorten <site-url>",
              url);
      rc = -1;
    }
    free(mod);
    free(url);
  }
  xmlFree(base);
  return rc;
}

int mg_hall_write(xmlNodePtr parent, xmlNsPtr m, xmlDocPtr params,
                  const char *store_id) {
  xmlNodePtr root = xmlDocGetRootElement(params);
  if (!parent) /* only the checks: the address must fit a QR code */
    return write_online(root, store_id, NULL, m);
  xmlNodePtr hall = xmlNewChild(parent, m, BAD_CAST "hall", NULL);

  xmlNodePtr hours = xmlNewChild(hall, m, BAD_CAST "hours", NULL);
  static const char *const kinds[] = {"weekday", "weekend", "holiday", NULL};
  for (const char *const *k = kinds; *k; k++) {
    xmlNodePtr d = mg_child(mg_child(root, "hours"), *k);
    if (!d)
      continue;
    xmlNodePtr x = xmlNewChild(hours, m, BAD_CAST "day", NULL);
    xmlNewProp(x, BAD_CAST "kind", BAD_CAST * k);
    copy_attr(d, x, "open");
    copy_attr(d, x, "close");
  }
  static const char *const round[] = {"key",     "kind",  "weekday", "weekend",
                                      "holiday", "owner", NULL};
  copy_list(root, hall, m, "patrols", "round", round, 1);
  complete_rounds(root, hall);
  static const char *const zone[] = {"key", "name", "owner", NULL};
  copy_list(root, hall, m, "zones", "zone", zone, 1);
  static const char *const contact[] = {"key", "label", "name", "phone", NULL};
  copy_list(root, hall, m, "contacts", "contact", contact, 0);

  return write_online(root, store_id, hall, m);
}
