<?xml version="1.0" encoding="UTF-8"?>
<!--
  signoff.xsl: signoff.pdf (签收表), A4, for a release: staff confirm that
  they read what this version changed. The hall's posts
  (m:duties/m:post) with one numbered row per head (@count), and boxes
  for name, date and signature. The table header repeats on every page.
  The build writes it for releases only; on a draft it names the draft.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/sheet.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:variable name="title">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'print.signoff.title'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="typst.preamble">
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="header" select="$sheet.header"/>
      <xsl:with-param name="footer" select="$sheet.footer"/>
      <xsl:with-param name="first-page-plain" select="false()"/>
      <xsl:with-param name="margin" select="'(x: 18mm, top: 18mm, bottom: 16mm)'"/>
    </xsl:call-template>
    <xsl:call-template name="sheet.helpers"/>
    <xsl:text>#align(center, text(size: 1.6em, weight: "bold")[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="concat(/m:manual/m:store/@name, ' ', $title)"/>
    </xsl:call-template>
    <xsl:text>])&#10;#align(center)[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:value-of select="concat(/m:manual/m:title, ' · ', $sheet.edition)"/>
        <xsl:if test="/m:manual/m:edition/@date">
          <xsl:text> · </xsl:text>
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'print.signoff.effective'"/>
            <xsl:with-param name="arg1" select="string(/m:manual/m:edition/@date)"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>]&#10;&#10;</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'print.signoff.statement'"/>
          <xsl:with-param name="arg1" select="$sheet.edition"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>&#10;&#10;#table(columns: (auto, 2.6em, 1fr, 1fr, 1.3fr), inset: (x: 0.5em, y: 0.75em),&#10;  table.header(</xsl:text>
    <xsl:for-each select="/m:manual/m:duties/m:post[1]">
      <xsl:call-template name="th"><xsl:with-param name="key" select="'print.signoff.post'"/></xsl:call-template>
      <xsl:call-template name="th"><xsl:with-param name="key" select="'print.signoff.no'"/></xsl:call-template>
      <xsl:call-template name="th"><xsl:with-param name="key" select="'print.signoff.name'"/></xsl:call-template>
      <xsl:call-template name="th"><xsl:with-param name="key" select="'print.signoff.date'"/></xsl:call-template>
      <xsl:call-template name="th"><xsl:with-param name="key" select="'print.signoff.signature'"/></xsl:call-template>
    </xsl:for-each>
    <xsl:text>),&#10;</xsl:text>
    <xsl:apply-templates select="/m:manual/m:duties/m:post"/>
    <xsl:text>)&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="th">
    <xsl:param name="key"/>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="$key"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
  </xsl:template>

  <!-- A post: its title, then one row per head (at least one). -->
  <xsl:template match="m:post">
    <xsl:call-template name="rows">
      <xsl:with-param name="i" select="1"/>
      <xsl:with-param name="n" select="number(@count)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="rows">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:text>  [</xsl:text>
    <xsl:if test="$i = 1">
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="@title"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:text>], [</xsl:text>
    <xsl:value-of select="$i"/>
    <xsl:text>], [], [], [],&#10;</xsl:text>
    <xsl:if test="$i &lt; $n">
      <xsl:call-template name="rows">
        <xsl:with-param name="i" select="$i + 1"/>
        <xsl:with-param name="n" select="$n"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
