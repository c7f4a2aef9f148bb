<?xml version="1.0" encoding="UTF-8"?>
<!--
  handbook.xsl (print): driver for handbook.pdf, one hall's printed
  handbook as one Typst source (main.typ).  Input: the resolved manual
  (m:manual, with m:hall when the resolver adds it).  Output (text):
  the set-up (A4; running head: the hall and the current chapter; foot:
  the version and "第 X 页 共 Y 页"; none on the cover), the cover, the
  contents with page numbers (#outline, chapters and sections), every
  chapter on a new page, and for a release the revision history.
  A release's changed sections carry change bars (chapter.xsl).

  Parameters (declared in the modules named):
    typst.font, typst.font.mono, typst.font.size   common/typst.xsl
    print.qr.width                                  common/titlepage.xsl
  Hooks: user.cover.extra (titlepage.xsl), user.back.matter (here).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="../html/common/catchall.xsl"/>
  <xsl:import href="../html/common/titlepage.xsl"/>
  <xsl:import href="common/typst.xsl"/>
  <xsl:import href="common/blocks.xsl"/>
  <xsl:import href="common/titlepage.xsl"/>
  <xsl:import href="common/chapter.xsl"/>
  <xsl:import href="common/release.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:if test="not(m:manual)">
      <xsl:message terminate="yes">error: print/handbook.xsl expects an m:manual root</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="m:manual" mode="print.handbook"/>
  </xsl:template>

  <xsl:template match="m:manual" mode="print.handbook">
    <xsl:variable name="version">
      <xsl:call-template name="print.version"/>
    </xsl:variable>
    <xsl:call-template name="typst.preamble">
      <xsl:with-param name="title" select="concat(m:title, ' · ', m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:call-template name="print.handbook.header"/>
      </xsl:with-param>
      <xsl:with-param name="footer">
        <xsl:text>set text(size: 0.8em); grid(columns: (1fr, auto), </xsl:text>
        <xsl:call-template name="typst.string">
          <xsl:with-param name="value">
            <xsl:value-of select="$version"/>
            <xsl:text>  </xsl:text>
            <xsl:call-template name="print.document-number"/>
          </xsl:with-param>
        </xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="gentext.typst.code">
          <xsl:with-param name="key" select="'print.page-of'"/>
          <xsl:with-param name="arg1" select="'str(counter(page).get().first())'"/>
          <xsl:with-param name="arg2" select="'str(counter(page).final().first())'"/>
        </xsl:call-template>
        <xsl:text>)</xsl:text>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>&#10;</xsl:text>
    <xsl:apply-templates select="." mode="print.cover"/>
    <xsl:text>#outline(depth: 2, title: [</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'contents'"/>
    </xsl:call-template>
    <xsl:text>])&#10;&#10;</xsl:text>
    <xsl:apply-templates select="m:chapter"/>
    <xsl:apply-templates select="." mode="print.history"/>
    <xsl:call-template name="user.back.matter"/>
  </xsl:template>

  <!-- The running head: the hall on the left, on the right the chapter
       that starts on this page or else the last one started before it;
       a rule below. -->
  <xsl:template name="print.handbook.header">
    <xsl:text>let hs = query(heading.where(level: 1)); </xsl:text>
    <xsl:text>let p = here().page(); </xsl:text>
    <xsl:text>let on = hs.filter(h => h.location().page() == p); </xsl:text>
    <xsl:text>let before = hs.filter(h => h.location().page() &lt; p); </xsl:text>
    <xsl:text>let cur = if on.len() > 0 { on.first().body } else if before.len() > 0 { before.last().body } else { none }; </xsl:text>
    <xsl:text>set text(size: 0.8em); grid(columns: (1fr, auto), column-gutter: 1em, </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="/*/m:store/@name"/>
    </xsl:call-template>
    <xsl:text>, cur); v(-0.5em); line(length: 100%, stroke: 0.4pt)</xsl:text>
  </xsl:template>

  <xsl:template name="user.back.matter"/>

</xsl:stylesheet>
