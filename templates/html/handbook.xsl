<?xml version="1.0" encoding="UTF-8"?>
<!--
  handbook.xsl: driver for the printable handbook, one self-contained page.
  Input m:manual (docs/design.md), output <m:pages> with handbook.html:
  cover (title, organisation, store, edition), contents, every chapter,
  the duty matrix and the forms (when the manual declares them),
  and for a release (m:changes) a last part "本版变更": since which release,
  the notes, the sections that changed (status, title, the feedback they
  resolve; not their text, which is in the chapters), the feedback
  resolved.  A superseded release starts with a notice (release.xsl).
  Cross references and the contents point inside the page (#id).
  It is the hall's search page too: with ?q=... its script (search.js)
  lists the passages that hold the query in the region search.xsl writes
  at the top, and hides the rest until the query is cleared.

  Parameters (declared in the modules named):
    css              page.xsl   the stylesheet text, put inline in <style>
                                (pass templates/css/manual.css); when empty
                                the page links to css.href instead
    css.href         page.xsl   'manual.css'
    generated.date   page.xsl   footer "generated on"      '' (none)
    xref.style       xref.xsl   set to 'page' here
    search.href      here       the search page: this one  'handbook.html'
                                ('' no search box, no search)
    search.script    search.xsl the search's script, put   '' (none)
                                inline (templates/js/search.js)
    md.heading.offset cmark.xsl 1 here: one h1, chapters h2
    md.table.scroll  cmark.xsl  true() here

  m:prints-store: attributes of the hall's m:store that this driver (with
  what it imports) only prints, never tests or takes apart, besides its
  id, names and city, which every driver must only print or compare. The
  build renders one page for halls that differ only in those
  (generator/splice.c): drop a name from the list before a template
  branches on that attribute.
-->
<xsl:stylesheet version="1.0"
                m:prints-store="type type-label"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/cmark.xsl"/>
  <xsl:import href="common/xref.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/page.xsl"/>
  <xsl:import href="common/titlepage.xsl"/>
  <xsl:import href="common/header.xsl"/>
  <xsl:import href="common/toc.xsl"/>
  <xsl:import href="common/chapter.xsl"/>
  <xsl:import href="common/changes.xsl"/>
  <xsl:import href="common/release.xsl"/>
  <xsl:import href="common/duties.xsl"/>
  <xsl:import href="common/search.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Everything is on this one page: links are #anchor. -->
  <xsl:param name="xref.style" select="'page'"/>
  <!-- This page is the hall's search page too (search.xsl): the search
       box sends its query here; '' for no search box and no search. -->
  <xsl:param name="search.href" select="'handbook.html'"/>
  <!-- One h1, the cover's: chapters are h2, sections h3, and the headings
       of the text one level lower than the author wrote them (cmark.xsl,
       chapter.xsl, duties.xsl, changes.xsl). Tables scroll in a box of
       their own. -->
  <xsl:param name="md.heading.offset" select="1"/>
  <xsl:param name="md.table.scroll" select="true()"/>

  <xsl:template match="/">
    <xsl:if test="not(m:manual)">
      <xsl:message terminate="yes">error: handbook.xsl expects an m:manual root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:manual" mode="handbook.page"/>
    </m:pages>
  </xsl:template>

  <xsl:template match="m:manual" mode="handbook.page">
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'handbook.html'"/>
      <xsl:with-param name="class" select="'handbook'"/>
      <xsl:with-param name="title"
                      select="concat(m:title, ' · ', m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:apply-templates select="." mode="page.header"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <xsl:if test="$search.href != ''">
          <xsl:call-template name="search.results"/>
        </xsl:if>
        <div class="cover">
          <h1><xsl:value-of select="m:title"/></h1>
          <xsl:apply-templates select="m:organisation" mode="titlepage"/>
          <xsl:apply-templates select="m:store" mode="titlepage"/>
          <xsl:apply-templates select="m:edition" mode="titlepage"/>
        </div>
        <!-- the hall's PDFs, when the build made them -->
        <xsl:if test="m:pdf/m:file">
          <ul class="other-formats">
            <xsl:for-each select="m:pdf/m:file">
              <li>
                <a href="{@href}" type="application/pdf">
                  <xsl:call-template name="gentext">
                    <xsl:with-param name="key" select="concat('pdf.', @kind)"/>
                  </xsl:call-template>
                </a>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:if>
        <nav class="contents">
          <xsl:attribute name="aria-labelledby">contents-title</xsl:attribute>
          <h2 id="contents-title">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </h2>
          <xsl:apply-templates select="." mode="toc"/>
          <xsl:if test="m:duties/m:duty or m:forms/m:form">
            <ul class="toc toc-extra">
              <xsl:if test="m:duties/m:duty">
                <li class="toc-chapter">
                  <a href="#part.duties">
                    <xsl:call-template name="gentext">
                      <xsl:with-param name="key" select="'duties'"/>
                    </xsl:call-template>
                  </a>
                </li>
              </xsl:if>
              <xsl:if test="m:forms/m:form">
                <li class="toc-chapter">
                  <a href="#part.forms">
                    <xsl:call-template name="gentext">
                      <xsl:with-param name="key" select="'forms'"/>
                    </xsl:call-template>
                  </a>
                </li>
              </xsl:if>
            </ul>
          </xsl:if>
          <xsl:if test="m:changes">
            <ul class="toc toc-extra">
              <li class="toc-chapter">
                <a href="#edition.changes">
                  <xsl:call-template name="gentext">
                    <xsl:with-param name="key" select="'changes'"/>
                  </xsl:call-template>
                </a>
              </li>
            </ul>
          </xsl:if>
        </nav>
        <xsl:apply-templates select="m:chapter"/>
        <xsl:if test="m:duties/m:duty">
          <article class="chapter duties-part">
            <xsl:apply-templates select="m:duties" mode="duties.content"/>
          </article>
        </xsl:if>
        <xsl:if test="m:forms/m:form">
          <article class="chapter forms-part">
            <xsl:apply-templates select="m:forms" mode="forms.content"/>
          </article>
        </xsl:if>
        <xsl:apply-templates select="m:changes" mode="changes.part"/>
        <xsl:if test="$search.href != ''">
          <xsl:call-template name="search.script"/>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
