/* history.c -- a hall across releases, and what its pages say of it.
 *
 * The pages of a hall's handbook in a release show, besides the manual:
 * the release (version, effective date, notes, whether a later one
 * superseded it), every release and whether it changed this hall (the
 * versions page), what changed for this hall since the release before
 * (the change page: sections added, removed and changed, the changes
 * marked in the text, the feedback it resolves), and on every section a
 * link to report a problem. All of it is added here to the hall's
 * resolved manual, as the elements docs/design.md describes, before the
 * stylesheets see it; the content itself (mg_resolve) is untouched, so
 * that "did this hall change" compares content only. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "manualgen.h"

static xmlNsPtr ns_m(xmlDocPtr doc) {
  return xmlSearchNsByHref(doc, xmlDocGetRootElement(doc), BAD_CAST MG_NS);
}

void mg_content_digest(xmlDocPtr resolved, char hex[33]) {
  mg_digest *d = mg_digest_new();
  for (xmlNodePtr k = xmlDocGetRootElement(resolved)->children; k; k = k->next)
    if (!mg_is_m(k, "edition") && !mg_is_m(k, "l10n"))
      mg_digest_content(d, k);
  mg_digest_finish(d, hex);
}

/* ------------------------------------------------ links to report */

/* RFC 6068: everything but the unreserved characters %-encoded. */
static void pct(mg_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  mg_buf_reserve(b, 3 * strlen(s));
  char *o = b->data + b->len;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      *o++ = (char)c;
    } else {
      *o++ = '%';
      *o++ = hex[c >> 4];
      *o++ = hex[c & 15];
    }
  }
  *o = '\0';
  b->len = (size_t)(o - b->data);
}

/* Every m:section of doc gets feedback="mailto:…" naming the edition,
 * the hall and the section in its subject, so that a report from a phone
 * says what it is about. */
static void feedback_links(xmlDocPtr doc, const char *email,
                           const char *edition) {
  if (!email || !*email)
    return;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr store = mg_m_child(root, "store");
  xmlChar *sid = store ? xmlGetProp(store, BAD_CAST "id") : NULL;
  xmlChar *sname = store ? xmlGetProp(store, BAD_CAST "name") : NULL;
  for (xmlNodePtr ch = root->children; ch; ch = ch->next) {
    if (!mg_is_m(ch, "chapter"))
      continue;
    for (xmlNodePtr s = ch->children; s; s = s->next) {
      if (!mg_is_m(s, "section"))
        continue;
      xmlChar *id = xmlGetProp(s, BAD_CAST "id");
      xmlChar *title = xmlNodeGetContent(mg_m_child(s, "title"));
      /* "[edition] hall (id) / section (id)", percent-encoded */
      const char *part[] = {"[",    edition,
                            "] ",   sname ? (char *)sname : "",
                            " (",   sid ? (char *)sid : "",
                            ") / ", title ? (char *)title : "",
                            " (",   id ? (char *)id : "",
                            ")"};
      mg_buf b = {0};
      mg_buf_puts(&b, "mailto:");
      mg_buf_puts(&b, email);
      mg_buf_puts(&b, "?subject=");
      for (size_t k = 0; k < sizeof part / sizeof *part; k++)
        pct(&b, part[k]);
      xmlSetProp(s, BAD_CAST "feedback", BAD_CAST b.data);
      mg_buf_free(&b);
      xmlFree(title);
      xmlFree(id);
    }
  }
  xmlFree(sid);
  xmlFree(sname);
}

void mg_decorate_draft(xmlDocPtr doc, const char *feedback_email) {
  xmlNodePtr ed = mg_m_child(xmlDocGetRootElement(doc), "edition");
  if (ed)
    xmlSetProp(ed, BAD_CAST "kind", BAD_CAST "draft");
  feedback_links(doc, feedback_email, "draft");
}

/* ------------------------------------------------------ a release */

int mg_hall_changed(const mg_hall_history *h, size_t i) {
  if (i >= h->n || !h->has[i])
    return 0;
  return i == 0 || !h->has[i - 1] || strcmp(h->digest[i], h->digest[i - 1]);
}

/* The feedback release rel resolves for section id. */
static void feedback_for(const mg_release *rel, const mg_ledger *l,
                         const char *id, mg_strv *out) {
  for (size_t k = 0; l && k < rel->resolves.n; k++) {
    const mg_fb_item *it = mg_ledger_find(l, rel->resolves.v[k]);
    if (it && it->section && !strcmp(it->section, id))
      mg_strv_push(out, mg_xstrdup(it->id));
  }
}

/* m:releases: every release, whether this hall is in it and whether it
 * changed there. */
static void add_releases(xmlDocPtr doc, xmlNodePtr after,
                         const mg_hall_context *c) {
  xmlNsPtr m = ns_m(doc);
  xmlNodePtr list = xmlNewNode(m, BAD_CAST "releases");
  /* up to this one: a later release must not change this release's pages
   * but for the notice that it was superseded */
  for (size_t i = 0; i <= c->index; i++) {
    const mg_release *rel = &c->releases->v[i];
    xmlNodePtr e = xmlNewChild(list, m, BAD_CAST "release", NULL);
    xmlNewProp(e, BAD_CAST "version", BAD_CAST rel->version);
    xmlNewProp(e, BAD_CAST "date", BAD_CAST rel->date);
    xmlNewProp(e, BAD_CAST "has-store",
               BAD_CAST(c->history->has[i] ? "true" : "false"));
    xmlNewProp(e, BAD_CAST "changed",
               BAD_CAST(mg_hall_changed(c->history, i) ? "true" : "false"));
    xmlNewTextChild(e, m, BAD_CAST "notes", BAD_CAST rel->notes);
  }
  xmlAddNextSibling(after, list);
}

/* The m:section of doc with this id, or NULL. */
static xmlNodePtr section_of(xmlDocPtr doc, const char *id) {
  for (xmlNodePtr ch = xmlDocGetRootElement(doc)->children; ch; ch = ch->next)
    for (xmlNodePtr s = mg_is_m(ch, "chapter") ? ch->children : NULL; s;
         s = s->next) {
      if (!mg_is_m(s, "section"))
        continue;
      xmlChar *sid = xmlGetProp(s, BAD_CAST "id");
      int same = sid && !strcmp((const char *)sid, id);
      xmlFree(sid);
      if (same)
        return s;
    }
  return NULL;
}

static xmlNodePtr body_of(xmlNodePtr section) {
  for (xmlNodePtr k = section ? section->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && k->ns &&
        !strcmp((const char *)k->ns->href, MD_NS) &&
        !strcmp((const char *)k->name, "document"))
      return k;
  return NULL;
}

/* m:changes: what changed for this hall since the release before. */
static void add_changes(xmlDocPtr doc, xmlNodePtr after,
                        const mg_hall_context *c) {
  const mg_release *rel = &c->releases->v[c->index];
  xmlNsPtr m = ns_m(doc);
  xmlNodePtr changes = xmlNewNode(m, BAD_CAST "changes");
  int since = c->index > 0 && c->history->has[c->index - 1];
  xmlNewProp(changes, BAD_CAST "since",
             BAD_CAST(since ? c->releases->v[c->index - 1].version : ""));
  xmlAddNextSibling(after, changes);
  mg_changes ch = {0};
  mg_strv cites = {0}; /* "SECTION FB-ID": cited once the marks are made */
  if (since && mg_diff_manuals(c->prev, doc, &ch) == 0) {
    for (size_t i = 0; i < ch.n; i++) {
      const mg_change *e = &ch.v[i];
      if (e->kind == MG_SECTION_UNCHANGED)
        continue;
      const char *status = e->kind == MG_SECTION_ADDED     ? "added"
                           : e->kind == MG_SECTION_REMOVED ? "removed"
                                                           : "changed";
      xmlNodePtr x = xmlNewChild(changes, m, BAD_CAST "change", NULL);
      xmlNewProp(x, BAD_CAST "status", BAD_CAST status);
      xmlNewProp(x, BAD_CAST "section", BAD_CAST e->id);
      xmlNewProp(x, BAD_CAST "chapter", BAD_CAST(e->chapter ? e->chapter : ""));
      xmlNewTextChild(x, m, BAD_CAST "title",
                      BAD_CAST(e->title ? e->title : ""));
      mg_strv fb = {0};
      if (e->kind != MG_SECTION_REMOVED)
        feedback_for(rel, c->ledger, e->id, &fb);
      for (size_t k = 0; k < fb.n; k++) {
        xmlNodePtr f = xmlNewChild(x, m, BAD_CAST "feedback", NULL);
        xmlNewProp(f, BAD_CAST "id", BAD_CAST fb.v[k]);
        mg_strv_push(&cites, mg_xasprintf("%s %s", e->id, fb.v[k]));
      }
      mg_strv_free(&fb);
      xmlNodePtr body = NULL;
      if (e->kind == MG_SECTION_CHANGED)
        body = mg_diff_mark_section(e->old_section, e->new_section, doc, NULL);
      else
        body = xmlDocCopyNode(body_of(e->kind == MG_SECTION_REMOVED
                                          ? e->old_section
                                          : e->new_section),
                              doc, 1);
      if (body)
        xmlAddChild(x, body);
    }
  }
  mg_changes_free(&ch);
  /* the sections revised because of feedback cite it, in the chapter
   * pages ("根据 FB-0012 修订") */
  for (size_t k = 0; k < cites.n; k++) {
    char *sp = strchr(cites.v[k], ' ');
    *sp = '\0';
    xmlNodePtr s = section_of(doc, cites.v[k]);
    xmlNodePtr title = s ? mg_m_child(s, "title") : NULL;
    if (title) {
      xmlNodePtr rf = xmlNewNode(m, BAD_CAST "revised-for");
      xmlNewProp(rf, BAD_CAST "id", BAD_CAST(sp + 1));
      xmlNodePtr last = title;
      while (mg_is_m(last->next, "revised-for"))
        last = last->next;
      xmlAddNextSibling(last, rf);
    }
  }
  mg_strv_free(&cites);
  for (size_t k = 0; c->ledger && k < rel->resolves.n; k++) {
    const mg_fb_item *it = mg_ledger_find(c->ledger, rel->resolves.v[k]);
    if (!it)
      continue;
    xmlNodePtr r = xmlNewTextChild(changes, m, BAD_CAST "resolved",
                                   BAD_CAST(it->text ? it->text : ""));
    xmlNewProp(r, BAD_CAST "id", BAD_CAST it->id);
    xmlNewProp(r, BAD_CAST "section", BAD_CAST(it->section ? it->section : ""));
    xmlNewProp(r, BAD_CAST "store", BAD_CAST(it->store ? it->store : ""));
    xmlNewProp(r, BAD_CAST "date", BAD_CAST(it->date ? it->date : ""));
  }
}

void mg_decorate_release(xmlDocPtr doc, const mg_hall_context *c) {
  const mg_releases *r = c->releases;
  const mg_release *rel = &r->v[c->index];
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNsPtr m = ns_m(doc);
  xmlNodePtr ed = mg_m_child(root, "edition");
  xmlSetProp(ed, BAD_CAST "kind", BAD_CAST "release");
  xmlSetProp(ed, BAD_CAST "latest", BAD_CAST r->v[r->n - 1].version);
  if (c->index > 0)
    xmlSetProp(ed, BAD_CAST "previous", BAD_CAST r->v[c->index - 1].version);
  xmlNewTextChild(ed, m, BAD_CAST "notes", BAD_CAST rel->notes);
  if (c->index + 1 < r->n) {
    /* where the notice of a later release points: the same page in
     * latest when the hall has it there */
    xmlSetProp(ed, BAD_CAST "latest-has-store",
               BAD_CAST(c->history->has[r->n - 1] ? "true" : "false"));
    if (c->latest_pages)
      xmlSetProp(ed, BAD_CAST "latest-pages", BAD_CAST c->latest_pages);
  }
  xmlNodePtr at = mg_m_child(root, "l10n");
  if (!at)
    at = mg_m_child(root, "store");
  if (!at)
    at = ed;
  /* changes first, so that the marks see the sections as they are */
  add_changes(doc, at, c);
  add_releases(doc, at, c);
  feedback_links(doc, c->feedback_email, rel->version);
}
