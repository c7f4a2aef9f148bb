<?xml version="1.0" encoding="UTF-8"?>
<!--
  site.xsl: driver for a store's web site.  Input m:manual (docs/design.md),
  output <m:pages>: index.html (contents page) and <chapter-id>.html for
  every chapter; for a release (m:manual carries m:changes, m:releases),
  duty-matrix.html (职责分工表, the duty matrix) and forms.html (表单) when the
  manual declares duties or forms, linked from the contents page;
  changes.html ("本版变更": what this release changed for the store, the
  text marked) and versions.html ("版本记录": every release), both linked
  from the contents page and the sidebar.  Every page of a superseded
  release starts with a notice linking to the same page in latest/
  (release.xsl).

  Parameters (declared in the modules named):
    css.href         page.xsl   stylesheet address        'manual.css'
    generated.date   page.xsl   footer "generated on"     '' (none)
    handbook.href    here       printable handbook         'handbook.html'
    stores.href      here       the edition's store list   '../../index.html'
                                ('' leaves a link out)
    feed.href        here       the store's Atom feed, on  '../../../feeds/
                                versions.html              <store id>.xml'
                                ('' leaves the link out)
    search.href      here       where the search box sends  handbook.href
                                its query (search.xsl)     ('' no box)
    md.table.scroll  cmark.xsl  true() here: tables scroll in a box of
                                their own

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
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

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

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Tables scroll in a box of their own (cmark.xsl). -->
  <xsl:param name="md.table.scroll" select="true()"/>

  <!-- Relative address of the printable handbook; '' for no link. -->
  <xsl:param name="handbook.href" select="'handbook.html'"/>
  <!-- Relative address of the list of all stores; '' for no link. -->
  <xsl:param name="stores.href" select="'../../index.html'"/>
  <!-- Relative address of the store's Atom feed (output/feeds/<id>.xml),
       linked from versions.html; '' for no link. -->
  <xsl:param name="feed.href"
             select="concat('../../../feeds/', /m:manual/m:store/@id, '.xml')"/>
  <!-- Where every page's search box sends its query: the single-page
       handbook (search.xsl); '' for no search box. -->
  <xsl:param name="search.href" select="$handbook.href"/>

  <xsl:template match="/">
    <xsl:if test="not(m:manual)">
      <xsl:message terminate="yes">error: site.xsl expects an m:manual root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:manual" mode="contents.page"/>
      <xsl:apply-templates select="m:manual/m:chapter" mode="chapter.page"/>
      <xsl:apply-templates select="m:manual/m:changes" mode="edition.page"/>
      <xsl:apply-templates select="m:manual/m:releases" mode="edition.page"/>
      <xsl:apply-templates select="m:manual/m:duties[m:duty]" mode="edition.page"/>
      <xsl:apply-templates select="m:manual/m:forms[m:form]" mode="edition.page"/>
    </m:pages>
  </xsl:template>

  <!-- index.html: the contents page. -->
  <xsl:template match="m:manual" mode="contents.page">
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'index.html'"/>
      <xsl:with-param name="class" select="'contents-page'"/>
      <xsl:with-param name="title"
                      select="concat(m:title, ' · ', m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:apply-templates select="." mode="page.header"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <div class="cover">
          <h1><xsl:value-of select="m:title"/></h1>
          <xsl:apply-templates select="m:organisation" mode="titlepage"/>
          <xsl:apply-templates select="m:store" mode="titlepage"/>
          <xsl:apply-templates select="m:edition" mode="titlepage"/>
        </div>
        <xsl:call-template name="edition.links"/>
        <nav class="contents">
          <xsl:attribute name="aria-labelledby">contents-title</xsl:attribute>
          <h2 id="contents-title">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </h2>
          <xsl:apply-templates select="." mode="toc"/>
        </nav>
        <xsl:call-template name="duties.links"/>
        <xsl:call-template name="other.formats"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A release's own pages: what changed, every release.  $current: the
       page being shown, marked aria-current. -->
  <xsl:template name="edition.links">
    <xsl:param name="current" select="''"/>
    <xsl:variable name="man" select="/m:manual"/>
    <xsl:if test="$man/m:changes or $man/m:releases">
      <ul class="edition-links">
        <xsl:if test="$man/m:changes">
          <xsl:call-template name="edition.link">
            <xsl:with-param name="href" select="'changes.html'"/>
            <xsl:with-param name="key" select="'changes'"/>
            <xsl:with-param name="current" select="$current"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="$man/m:releases">
          <xsl:call-template name="edition.link">
            <xsl:with-param name="href" select="'versions.html'"/>
            <xsl:with-param name="key" select="'versions'"/>
            <xsl:with-param name="current" select="$current"/>
          </xsl:call-template>
        </xsl:if>
      </ul>
    </xsl:if>
  </xsl:template>

  <xsl:template name="edition.link">
    <xsl:param name="href"/>
    <xsl:param name="key"/>
    <xsl:param name="current"/>
    <li>
      <a href="{$href}">
        <xsl:if test="$href = $current">
          <xsl:attribute name="aria-current">page</xsl:attribute>
        </xsl:if>
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="$key"/>
        </xsl:call-template>
      </a>
    </li>
  </xsl:template>

  <!-- The duty matrix and the forms (duty-matrix.html, forms.html), when the
       manual declares them.  $current: the page being shown. -->
  <xsl:template name="duties.links">
    <xsl:param name="current" select="''"/>
    <xsl:variable name="man" select="/m:manual"/>
    <xsl:if test="$man/m:duties/m:duty or $man/m:forms/m:form">
      <ul class="edition-links duties-links">
        <xsl:if test="$man/m:duties/m:duty">
          <xsl:call-template name="edition.link">
            <xsl:with-param name="href" select="'duty-matrix.html'"/>
            <xsl:with-param name="key" select="'duties'"/>
            <xsl:with-param name="current" select="$current"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="$man/m:forms/m:form">
          <xsl:call-template name="edition.link">
            <xsl:with-param name="href" select="'forms.html'"/>
            <xsl:with-param name="key" select="'forms'"/>
            <xsl:with-param name="current" select="$current"/>
          </xsl:call-template>
        </xsl:if>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- Links to the printable handbook, the hall's PDFs and the list of
       all stores. -->
  <xsl:template name="other.formats">
    <xsl:if test="$handbook.href != '' or $stores.href != ''">
      <ul class="other-formats">
        <xsl:if test="$handbook.href != ''">
          <li>
            <a href="{$handbook.href}">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'printable-handbook'"/>
              </xsl:call-template>
            </a>
          </li>
        </xsl:if>
        <!-- the hall's PDFs, when the build made them (m:pdf) -->
        <xsl:for-each select="/m:manual/m:pdf/m:file">
          <li>
            <a href="{@href}" type="application/pdf">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="concat('pdf.', @kind)"/>
              </xsl:call-template>
            </a>
          </li>
        </xsl:for-each>
        <xsl:if test="$stores.href != ''">
          <li>
            <a href="{$stores.href}">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'all-stores'"/>
              </xsl:call-template>
            </a>
          </li>
        </xsl:if>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- <chapter-id>.html: sidebar, breadcrumb, the chapter, prev/next. -->
  <xsl:template match="m:chapter" mode="chapter.page">
    <xsl:variable name="prev" select="preceding-sibling::m:chapter[1]"/>
    <xsl:variable name="next" select="following-sibling::m:chapter[1]"/>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="concat(@id, '.html')"/>
      <xsl:with-param name="class" select="'chapter-page'"/>
      <xsl:with-param name="title"
                      select="concat(m:title, ' · ', ../m:title, ' · ', ../m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:apply-templates select=".." mode="page.header">
          <xsl:with-param name="home" select="'index.html'"/>
        </xsl:apply-templates>
      </xsl:with-param>
      <xsl:with-param name="nav">
        <p class="sidebar-title">
          <a href="index.html">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </a>
        </p>
        <xsl:apply-templates select=".." mode="toc">
          <xsl:with-param name="current" select="@id"/>
          <xsl:with-param name="sections" select="'current'"/>
        </xsl:apply-templates>
        <xsl:call-template name="edition.links"/>
        <xsl:call-template name="other.formats"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <nav class="breadcrumb">
          <xsl:attribute name="aria-label">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'breadcrumb'"/>
            </xsl:call-template>
          </xsl:attribute>
          <ol>
            <li><a href="index.html"><xsl:value-of select="../m:title"/></a></li>
            <li aria-current="page"><xsl:value-of select="m:title"/></li>
          </ol>
        </nav>
        <xsl:apply-templates select="."/>
        <xsl:if test="$prev or $next">
          <nav class="pager">
            <xsl:attribute name="aria-label">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'chapter-pages'"/>
              </xsl:call-template>
            </xsl:attribute>
            <xsl:apply-templates select="$prev" mode="pager">
              <xsl:with-param name="rel" select="'prev'"/>
              <xsl:with-param name="key" select="'previous-chapter'"/>
            </xsl:apply-templates>
            <xsl:apply-templates select="$next" mode="pager">
              <xsl:with-param name="rel" select="'next'"/>
              <xsl:with-param name="key" select="'next-chapter'"/>
            </xsl:apply-templates>
          </nav>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- changes.html and versions.html: the chapter pages' frame (header,
       sidebar, breadcrumb) around the release's m:changes / m:releases. -->
  <xsl:template match="m:changes | m:releases | m:duties | m:forms"
                mode="edition.page">
    <xsl:variable name="href">
      <xsl:choose>
        <xsl:when test="self::m:changes">changes.html</xsl:when>
        <xsl:when test="self::m:duties">duty-matrix.html</xsl:when>
        <xsl:when test="self::m:forms">forms.html</xsl:when>
        <xsl:otherwise>versions.html</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="name">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key">
          <xsl:choose>
            <xsl:when test="self::m:changes">changes</xsl:when>
            <xsl:when test="self::m:duties">duties</xsl:when>
            <xsl:when test="self::m:forms">forms</xsl:when>
            <xsl:otherwise>versions</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="string($href)"/>
      <xsl:with-param name="class"
                      select="concat(substring-before($href, '.html'), '-page')"/>
      <xsl:with-param name="title"
                      select="concat($name, ' · ', ../m:title, ' · ', ../m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:apply-templates select=".." mode="page.header">
          <xsl:with-param name="home" select="'index.html'"/>
        </xsl:apply-templates>
      </xsl:with-param>
      <xsl:with-param name="nav">
        <p class="sidebar-title">
          <a href="index.html">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </a>
        </p>
        <xsl:apply-templates select=".." mode="toc">
          <xsl:with-param name="sections" select="'none'"/>
        </xsl:apply-templates>
        <xsl:call-template name="edition.links">
          <xsl:with-param name="current" select="string($href)"/>
        </xsl:call-template>
        <xsl:call-template name="duties.links">
          <xsl:with-param name="current" select="string($href)"/>
        </xsl:call-template>
        <xsl:call-template name="other.formats"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <nav class="breadcrumb">
          <xsl:attribute name="aria-label">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'breadcrumb'"/>
            </xsl:call-template>
          </xsl:attribute>
          <ol>
            <li><a href="index.html"><xsl:value-of select="../m:title"/></a></li>
            <li aria-current="page"><xsl:value-of select="$name"/></li>
          </ol>
        </nav>
        <xsl:apply-templates select="." mode="edition.content"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="m:changes" mode="edition.content">
    <xsl:apply-templates select="." mode="changes.page"/>
  </xsl:template>

  <xsl:template match="m:duties" mode="edition.content">
    <xsl:apply-templates select="." mode="duties.content"/>
  </xsl:template>

  <xsl:template match="m:forms" mode="edition.content">
    <xsl:apply-templates select="." mode="forms.content"/>
  </xsl:template>

  <xsl:template match="m:releases" mode="edition.content">
    <h1>
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'versions'"/>
      </xsl:call-template>
    </h1>
    <xsl:apply-templates select="." mode="versions"/>
    <xsl:if test="$feed.href != ''">
      <p class="feed-link">
        <a href="{$feed.href}" type="application/atom+xml">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'feed-subscribe'"/>
          </xsl:call-template>
        </a>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="m:chapter" mode="pager">
    <xsl:param name="rel"/>
    <xsl:param name="key"/>
    <a rel="{$rel}" class="pager-{$rel}" href="{@id}.html">
      <span class="pager-label">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="$key"/>
        </xsl:call-template>
      </span>
      <xsl:text> </xsl:text>
      <span class="pager-title"><xsl:apply-templates select="." mode="title.markup"/></span>
    </a>
  </xsl:template>

</xsl:stylesheet>
