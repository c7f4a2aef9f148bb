<?xml version="1.0" encoding="UTF-8"?>
<!--
  site.xsl: driver for a store's web site.  Input m:manual (docs/design.md),
  output <m:pages>: index.html (contents page) and <chapter-id>.html for
  every chapter.

  Parameters (declared in the modules named):
    css.href         page.xsl   stylesheet address        'manual.css'
    generated.date   page.xsl   footer "generated on"     '' (none)
    handbook.href    here       printable handbook         'handbook.html'
    stores.href      here       the edition's store list   '../../index.html'
                                ('' leaves a link out)
-->
<xsl:stylesheet version="1.0"
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

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- Relative address of the printable handbook; '' for no link. -->
  <xsl:param name="handbook.href" select="'handbook.html'"/>
  <!-- Relative address of the list of all stores; '' for no link. -->
  <xsl:param name="stores.href" select="'../../index.html'"/>

  <xsl:template match="/">
    <xsl:if test="not(m:manual)">
      <xsl:message terminate="yes">error: site.xsl expects an m:manual root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:manual" mode="contents.page"/>
      <xsl:apply-templates select="m:manual/m:chapter" mode="chapter.page"/>
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
        <nav class="contents">
          <xsl:attribute name="aria-labelledby">contents-title</xsl:attribute>
          <h2 id="contents-title">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </h2>
          <xsl:apply-templates select="." mode="toc"/>
        </nav>
        <xsl:call-template name="other.formats"/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Links to the printable handbook and to the list of all stores. -->
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
        <h2>
          <a href="index.html">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'contents'"/>
            </xsl:call-template>
          </a>
        </h2>
        <xsl:apply-templates select=".." mode="toc">
          <xsl:with-param name="current" select="@id"/>
          <xsl:with-param name="sections" select="'current'"/>
        </xsl:apply-templates>
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
